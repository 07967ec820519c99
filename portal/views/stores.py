"""A merchant's stores and each store's return address (退货地址)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from core.errors import ApplicationError
from core.roles import Role, role_of
from stores.forms import ReturnAddressForm
from stores.models import Store
from stores.scoping import store_ids_for
from stores.selectors import return_address
from stores.services import RETURN_ADDRESS_FIELDS, store_return_address_set


def _own_stores(request: AuthenticatedHttpRequest):
    if role_of(request.user) != Role.MERCHANT:
        raise Http404
    return Store.objects.filter(pk__in=store_ids_for(request.user)).select_related(
        "category"
    )


@login_required
@require_GET
def store_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The merchant's stores, each with its return address or a prompt to set it."""
    stores = list(_own_stores(request).order_by("name"))
    for store in stores:
        store.return_address = return_address(store)
    return render(request, "stores/list.html", {"stores": stores})


@login_required
def store_return_address(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Edit one own store's return address; other stores answer 404."""
    store = _own_stores(request).filter(pk=pk).first()
    if store is None:
        raise Http404
    if request.method == "POST":
        form = ReturnAddressForm(request.POST)
        if form.is_valid():
            try:
                store_return_address_set(
                    store=store, actor=request.user, **form.cleaned_data
                )
            except ApplicationError as exc:
                if exc.errors:
                    form.add_service_errors(exc.errors)
                else:
                    form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("The return address of %(store)s is saved.")
                    % {"store": store.name},
                )
                return redirect("stores:list")
        status = 400
    else:
        form = ReturnAddressForm(
            initial={name: getattr(store, name) for name in RETURN_ADDRESS_FIELDS}
        )
        status = 200
    return render(
        request,
        "stores/return_address.html",
        {"store": store, "form": form},
        status=status,
    )
