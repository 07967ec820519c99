"""A buyer's orders (or a merchant's stores' orders) with the way into a case."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.pages import page_of
from core.roles import Role, role_of, staff_home
from disputes.choices import OPEN_STATES
from disputes.models import Dispute
from disputes.policy import order_open_refusal
from orders.selectors import visible_orders


def orders_with_cases(user) -> QuerySet:
    """Visible orders, newest first, each with its open and latest case (no N+1).

    `open_case_id` is the order's open case, or None.
    """
    cases = Dispute.objects.filter(order=OuterRef("pk"))
    # A scalar subquery, not Exists: PostgreSQL turns an EXISTS over a buyer's
    # thousands of orders into one hash of every open case (32,000 read at
    # 100k); this one probes the open-case index for each order it shows.
    open_case = cases.filter(state__in=OPEN_STATES).order_by().values("pk")[:1]
    return (
        visible_orders(user)
        .select_related("store__category")
        .prefetch_related("items")
        .annotate(
            open_case_id=Subquery(open_case),
            case_number=Subquery(
                cases.order_by("-opened_at", "-id").values("number")[:1]
            ),
        )
        .order_by("-placed_at", "-id")
    )


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    """Orders with 'open a dispute' where allowed, or a link to the case."""
    if home := staff_home(request.user):
        return redirect(home)
    page = page_of(request, orders_with_cases(request.user))
    is_buyer = role_of(request.user) == Role.BUYER
    now = timezone.now()
    for order in page["rows"]:
        order.has_open_case = order.open_case_id is not None
        order.can_open = is_buyer and not order_open_refusal(
            order, has_open_case=order.has_open_case, now=now
        )
        order.summary = " · ".join(
            f"{item.product_name} × {item.quantity}" for item in order.items.all()
        )
    return render(request, "orders/list.html", {"page": page, "is_buyer": is_buyer})
