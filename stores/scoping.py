"""Who may see what: the one rule that scopes orders and cases to a user.

Buyers see their own orders and cases, merchants their stores', platform
staff (agents, supervisors, managers) everything. Anything else sees nothing,
and pages and endpoints answer 404 for what a user may not see. Orders and
cases ask it through `orders.selectors.visible_orders` and
`disputes.selectors.visible_disputes`.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from accounts.models import User
from core.roles import Role, is_staff_role, role_of

from .models import Store

_STORES_ATTR = "_cached_store_ids"


# Whoever asks: a user, a signed-out visitor or nobody (the system); only
# users with a role see anything.
Viewer = User | AnonymousUser | None


class _Case(Protocol):
    buyer_id: int
    store_id: int


def store_ids_for(user: Viewer) -> frozenset[int]:
    """The stores a merchant user owns or works for (cached on the user)."""
    if role_of(user) != Role.MERCHANT:
        return frozenset()
    cached = getattr(user, _STORES_ATTR, None)
    if cached is None:
        cached = frozenset(
            Store.objects.filter(Q(owner=user) | Q(staff=user))
            .values_list("id", flat=True)
            .distinct()
        )
        setattr(user, _STORES_ATTR, cached)
    return cached


def visible_to(user: Viewer, qs: QuerySet[Any]) -> QuerySet[Any]:
    """The rows of `qs` (orders or cases, with a buyer and a store) a user sees."""
    role = role_of(user)
    if is_staff_role(user):
        return qs
    if role == Role.BUYER:
        return qs.filter(buyer_id=_pk(user))
    if role == Role.MERCHANT:
        return qs.filter(store_id__in=store_ids_for(user))
    return qs.none()


def can_see_dispute(user: Viewer, dispute: _Case) -> bool:
    """The same rule as visible_disputes, for one loaded case (no query)."""
    role = role_of(user)
    if is_staff_role(user):
        return True
    if role == Role.BUYER:
        return dispute.buyer_id == _pk(user)
    if role == Role.MERCHANT:
        return dispute.store_id in store_ids_for(user)
    return False


def party_of(user: Viewer, dispute: _Case) -> str | None:
    """'buyer' or 'merchant' when the user is that party of the case, else None."""
    role = role_of(user)
    if role == Role.BUYER and dispute.buyer_id == _pk(user):
        return "buyer"
    if role == Role.MERCHANT and dispute.store_id in store_ids_for(user):
        return "merchant"
    return None


def _pk(user: Viewer) -> int | None:
    return None if user is None else user.pk
