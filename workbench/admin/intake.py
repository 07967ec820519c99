"""The admin page where an agent opens a case for a buyer who phoned or chatted."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ApplicationError
from core.roles import PLATFORM_ROLES, role_of
from disputes.choices import Channel, Reason, Remedy
from disputes.forms import UPLOAD_ACCEPT, check_upload
from disputes.models.policy import EVIDENCE_KINDS
from disputes.policy import evidence_requirements, order_policy
from disputes.services import EvidenceFile
from disputes.services.intake import dispute_open_for_buyer
from orders.models import Order

from .views import case_url, report_refusal


def _pick(choices) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class OpenForBuyerForm(forms.Form):
    """Nothing is preselected: the agent records what the buyer said."""

    order = forms.CharField(label=gettext_lazy("Order number"), max_length=32)
    channel = forms.ChoiceField(
        label=gettext_lazy("How the buyer reached us"), choices=_pick(Channel.choices)
    )
    reason = forms.ChoiceField(
        label=gettext_lazy("Problem"), choices=_pick(Reason.choices)
    )
    remedy = forms.ChoiceField(
        label=gettext_lazy("What the buyer wants"), choices=_pick(Remedy.choices)
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Refund amount (¥)"),
        min_value=0.01,
        max_digits=12,
        decimal_places=2,
    )
    description = forms.CharField(
        label=gettext_lazy("What the buyer told us"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One file input per evidence kind a policy may require (the buyer
        # sent them by chat or mail); the service checks what the reason needs.
        for kind, label in EVIDENCE_KINDS.items():
            self.fields[f"evidence_{kind}"] = forms.FileField(
                label=label,
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
            )

    def clean_order(self) -> Order:
        number = self.cleaned_data["order"].strip().upper()
        order = Order.objects.select_related("buyer", "store").filter(number=number)
        found = order.first()
        if found is None:
            raise forms.ValidationError(_("No such order."))
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for kind in EVIDENCE_KINDS:
            upload = data.get(f"evidence_{kind}")
            if upload:
                try:
                    check_upload(upload)
                except forms.ValidationError as exc:
                    self.add_error(f"evidence_{kind}", exc)
        return data

    def case_fields(self) -> dict[str, Any]:
        """The service's arguments: the claim, and its files with their kinds."""
        data = dict(self.cleaned_data)
        evidence = [
            EvidenceFile(file=upload, kind=kind)
            for kind in EVIDENCE_KINDS
            if (upload := data.pop(f"evidence_{kind}", None))
        ]
        return {**data, "evidence": evidence}


def _requirements(number: str | None) -> list[dict[str, str]]:
    """The evidence the order's policy requires per reason (none unknown)."""
    order = (
        Order.objects.select_related("store__category")
        .filter(number=(number or "").strip().upper())
        .first()
    )
    return evidence_requirements(order_policy(order)) if order else []


def may_open_for_buyer(user) -> bool:
    """Agents and supervisors open cases for buyers (the button and the page)."""
    return role_of(user) in PLATFORM_ROLES


def open_for_buyer(model_admin, request: HttpRequest) -> HttpResponse:
    """GET the form (?order= prefills it); POST opens the case for the buyer."""
    if not may_open_for_buyer(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = OpenForBuyerForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                case = dispute_open_for_buyer(
                    actor=request.user,  # type: ignore[arg-type]  # staff only here
                    **form.case_fields(),
                )
            except ApplicationError as exc:
                report_refusal(request, exc, form)  # evidence: above the fields
            else:
                messages.success(
                    request,
                    _("Case %(number)s opened for %(buyer)s.")
                    % {"number": case.number, "buyer": case.buyer},
                )
                return redirect(case_url(case))
    else:
        form = OpenForBuyerForm(initial={"order": request.GET.get("order", "")})
    context = {
        "requirements": _requirements(
            request.POST.get("order") or request.GET.get("order")
        ),
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "form": form,
        "title": _("Open a case for a buyer"),
    }
    return TemplateResponse(
        request, "admin/disputes/dispute/open_for_buyer.html", context
    )
