"""A merchant's webhook pages: thin views over the services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from core.errors import ApplicationError
from core.roles import Role, role_of
from stores.scoping import store_ids_for

from . import selectors, services
from .forms import EndpointForm
from .models import WebhookEndpoint

NEW_SECRET = "webhooks:new_secret"  # session key: a secret shown once


def _merchant(request: AuthenticatedHttpRequest) -> None:
    if role_of(request.user) != Role.MERCHANT:
        raise Http404


def _endpoint(request: AuthenticatedHttpRequest, pk: int) -> WebhookEndpoint:
    found = selectors.endpoints_visible(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
def endpoint_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The merchant's endpoints and the form to add one."""
    _merchant(request)
    store_ids = store_ids_for(request.user)
    form = EndpointForm(request.POST or None, store_ids=store_ids)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.endpoint_create(
                actor=request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                store_id=form.cleaned_data["store"].pk,
            )
        except ApplicationError as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not exc.errors:
                form.add_error(None, exc.message)
        else:
            request.session[NEW_SECRET] = [endpoint.pk, secret]
            messages.success(request, _("The endpoint is registered."))
            return redirect(endpoint.get_absolute_url())
    endpoints = list(selectors.endpoints_visible(request.user).order_by("id"))
    context = {
        "endpoints": endpoints,
        "any_disabled": any(not endpoint.active for endpoint in endpoints),
        "form": form,
    }
    return render(request, "webhooks/list.html", context)


@login_required
def endpoint_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One endpoint: its settings, the secret right after it was made, deliveries."""
    _merchant(request)
    endpoint = _endpoint(request, pk)
    shown = request.session.pop(NEW_SECRET, None)
    secret = shown[1] if shown and shown[0] == endpoint.pk else None
    context = {
        "endpoint": endpoint,
        "secret": secret,
        "deliveries": selectors.deliveries_recent(endpoint),
    }
    return render(request, "webhooks/detail.html", context)


def _act(
    request: AuthenticatedHttpRequest, pk: int, service, done: str
) -> HttpResponse:
    _merchant(request)
    endpoint = _endpoint(request, pk)
    try:
        result = service(actor=request.user, endpoint=endpoint)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(endpoint.get_absolute_url())
    messages.success(request, done)
    if isinstance(result, str):  # a new secret
        request.session[NEW_SECRET] = [endpoint.pk, result]
    return redirect(endpoint.get_absolute_url())


@login_required
@require_POST
def endpoint_rotate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        services.endpoint_rotate,
        _("New secret made. The old one keeps signing for 24 hours."),
    )


@login_required
@require_POST
def endpoint_enable(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.endpoint_enable, _("The endpoint is on again."))


@login_required
@require_POST
def endpoint_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _merchant(request)
    endpoint = _endpoint(request, pk)
    services.endpoint_delete(actor=request.user, endpoint=endpoint)
    messages.success(request, _("The endpoint is deleted."))
    return redirect("webhooks:list")
