"""The small form behind each case action button, and the reply form."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.roles import PLATFORM_ROLES

from .. import selectors
from ..choices import Liability, Outcome, Party
from ..models import CannedReply


def handlers() -> forms.ModelChoiceField:
    """A chooser of active agents and supervisors."""
    qs = (
        User.objects.filter(is_active=True, groups__name__in=list(PLATFORM_ROLES))
        .distinct()
        .order_by("username")
    )
    return forms.ModelChoiceField(queryset=qs, label=_("Agent"))


def rules_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=selectors.rules_in_force(),
        to_field_name="code",
        label=_("Platform rule (version in force)"),
    )


class ActionForm(forms.Form):
    """Base: the case version the agent saw, so a double submit acts once."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["expected_version"] = data.pop("version")
        return data


class TakeForm(ActionForm):
    """Agents take for themselves; supervisors may name somebody else."""

    def __init__(self, *args, supervisor: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if supervisor:
            field = handlers()
            field.required = False
            field.label = _("Assign to (blank: me)")
            self.fields["assignee"] = field


class AssignForm(ActionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = handlers()


class StartMediationForm(ActionForm):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RequestEvidenceForm(ActionForm):
    party = forms.ChoiceField(label=_("From"), choices=[("", "—"), *Party.choices])
    note = forms.CharField(
        label=_("What is needed"), widget=forms.Textarea(attrs={"rows": 3})
    )
    due_at = forms.DateTimeField(
        label=_("Due by (blank: the default 72 hours)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class ProposeForm(ActionForm):
    amount = forms.DecimalField(
        label=_("Settlement amount (¥)"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
    )
    note = forms.CharField(
        label=_("Note to both parties"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(ActionForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    # No decision field starts with a value: a default would be a bias.
    liability = forms.ChoiceField(
        label=_("Liability"), choices=[("", "—"), *Liability.choices]
    )
    amount = forms.DecimalField(
        label=_("Amount to the buyer (¥)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Required when the buyer wins; refunded at once."),
    )
    reasoning = forms.CharField(
        label=_("Reasoning"), widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"] = rules_field()
        self.order_fields(["outcome", "liability", "amount", "rule", "reasoning"])

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.BUYER and not data.get("amount"):
            self.add_error("amount", _("Enter the amount the buyer gets."))
        return data

    def service_kwargs(self) -> dict:
        data = super().service_kwargs()
        data["rule"] = data["rule"].code
        if data["outcome"] != Outcome.BUYER:
            data["amount"] = None
        return data


class UpholdForm(ActionForm):
    reasoning = forms.CharField(
        label=_("Reasoning"), widget=forms.Textarea(attrs={"rows": 5})
    )


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "take": TakeForm,
    "assign": AssignForm,
    "start_mediation": StartMediationForm,
    "request_evidence": RequestEvidenceForm,
    "propose": ProposeForm,
    "rule": DecisionForm,
    "uphold": UpholdForm,
    "overturn": DecisionForm,
}


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    internal = forms.BooleanField(
        label=_("Internal note (parties never see it)"), required=False
    )


def canned_replies(reason: str) -> list[CannedReply]:
    """Active templates for this reason and for any reason."""
    return list(
        CannedReply.objects.filter(active=True, reason__in=[reason, ""]).order_by(
            "title"
        )
    )
