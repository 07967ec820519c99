"""Forms for the buyer and merchant pages: they collect input, services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.uploads import ACCEPTED_TYPES, max_upload_mb, upload_refusal

from . import selectors
from .actions import (
    ACTIONS,
    PORTAL_ACTIONS,
    Action,
    ActionName,
    Field,
    FieldType,
)
from .choices import (
    NEW_CASE_REASONS,
    NO_AMOUNT_REMEDIES,
    NO_REASON_REMEDIES,
    Reason,
    Remedy,
)
from .models import Dispute
from .policy import description_refusal, no_reason_open
from .rules_pure import EVIDENCE_DESCRIPTION_MAX
from .services.dispatch import ActionInput, action_inputs

MAX_FILES = 5
UPLOAD_ACCEPT = ",".join(ACCEPTED_TYPES)
STATE_FILTERS = (
    ("open", _("Open")),
    ("closed", _("Closed")),
    ("all", _("All")),
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked like a single upload."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def check_upload(upload: UploadedFile) -> None:
    """Refuse a file early, by the same rule the service applies."""
    refusal = upload_refusal(upload)
    if refusal:
        raise forms.ValidationError(
            "%(name)s: %(refusal)s", params={"name": upload.name, "refusal": refusal}
        )


def _pick(choices) -> list[tuple[str, str]]:
    """Choices with an empty first entry, so nothing is chosen for the user."""
    return [("", _("Please choose")), *choices]


# What the claim form offers: no retired reason (退换货 is a remedy); the
# compensation remedy is the platform's, never a buyer's pick.
OPEN_REMEDIES = [(v, label) for v, label in Remedy.choices if v != Remedy.COMPENSATION]


class DisputeOpenForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Problem"), choices=_pick((r.value, r.label) for r in NEW_CASE_REASONS)
    )
    remedy = forms.ChoiceField(label=_("What you want"), choices=_pick(OPEN_REMEDIES))
    amount = forms.DecimalField(
        label=_("Refund amount (¥)"),
        min_value=0.01,
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("Not needed for an exchange or a resend."),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    description = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
        help_text=_(
            "Required for quality, description, damage, missing parts, "
            "counterfeit and other problems."
        ),
    )
    files = MultipleFileField(  # type: ignore[assignment]  # a field, not BaseForm.files
        label=_("Evidence (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )
    express_slip = forms.FileField(
        label=_("Photo of the express slip"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        help_text=_("Needed for some claims: the label on the parcel, readable."),
    )
    evidence_note = forms.CharField(
        label=_("About the files"),
        max_length=EVIDENCE_DESCRIPTION_MAX,
        required=False,
    )

    def __init__(self, *args, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        self.item_rows: list[tuple[Any, str]] = []
        if order is not None:  # the services' cap: what the order can still refund
            self.fields["amount"].widget.attrs.update(
                _ceiling(
                    order.refundable,
                    _("At most ¥%(max)s can still be refunded on this order.")
                    % {"max": _money(order.refundable)},
                )
            )
            if not no_reason_open(order, timezone.now()):
                reason = self.fields["reason"]
                assert isinstance(reason, forms.ChoiceField)
                reason.choices = _pick(
                    (r.value, r.label)
                    for r in NEW_CASE_REASONS
                    if r != Reason.NO_REASON
                )
            items = list(order.items.all())
            if len(items) > 1:  # which items the claim is about, and how many
                for item in items:
                    name = f"item_{item.pk}"
                    self.fields[name] = forms.IntegerField(
                        label=f"{item.product_name}",
                        min_value=0,
                        max_value=item.quantity,
                        required=False,
                        initial=0,
                        widget=forms.NumberInput(
                            attrs={"inputmode": "numeric", "class": "qty"}
                        ),
                    )
                    self.item_rows.append((item, name))
        self.fields["files"].help_text = _(
            "Up to %(n)s files: JPG, PNG, GIF or WebP photos, PDF or MP4 video, "
            "at most %(mb)s MB each."
        ) % {"n": MAX_FILES, "mb": max_upload_mb()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        refusal = description_refusal(
            data.get("reason") or "", data.get("description") or ""
        )
        if refusal:
            self.add_error("description", refusal)
        remedy = data.get("remedy")
        if remedy in NO_AMOUNT_REMEDIES:
            data["amount"] = Decimal("0")
        elif data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Enter the amount you want back."))
        if (
            data.get("reason") == Reason.NO_REASON
            and remedy
            and (remedy not in NO_REASON_REMEDIES)
        ):
            self.add_error(
                "remedy",
                _(
                    "A 7-day no-reason return asks for a return and refund or an "
                    "exchange."
                ),
            )
        picked = []
        for item, name in self.item_rows:
            quantity = data.get(name) or 0
            if quantity:
                picked.append((item.pk, quantity))
        data["items"] = picked
        if picked and data.get("amount"):
            cap = sum(
                (
                    item.unit_price * (data.get(name) or 0)
                    for item, name in self.item_rows
                ),
                Decimal("0"),
            )
            if data["amount"] > cap:
                self.add_error(
                    "amount",
                    _("The items you picked are worth ¥%(max)s; claim at most that.")
                    % {"max": _money(cap)},
                )
        return data

    def item_fields(self):
        """(item, its quantity field) for the template."""
        return [(item, self[name]) for item, name in self.item_rows]

    def clean_express_slip(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("express_slip")
        if upload:
            check_upload(upload)
        return upload

    def clean_files(self) -> list[UploadedFile]:
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("Upload at most %(n)s files."), params={"n": MAX_FILES}
            )
        for upload in files:
            check_upload(upload)
        return files


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Write a message first.")},
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
        error_messages={"required": _("Choose a file.")},
    )
    description = forms.CharField(
        label=_("Description"), max_length=EVIDENCE_DESCRIPTION_MAX, required=False
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload


class ActionForm(forms.Form):
    """The form of one case action, built from its registry entry.

    Portal and admin forms are this class made per action (`action_form`);
    `version` is the case version the user saw: when sent, a changed case
    refuses the action (409), so a double submission acts once. Given the
    case, the form carries the services' limits as data- attributes, so the
    page checks them before anything is sent (static/core/validate.js).
    """

    action: ClassVar[Action]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(
        self,
        *args: Any,
        role: Role | None = None,
        case: Dispute | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for spec in self.action.fields:
            if spec.roles is None or role in spec.roles:
                self.fields[spec.name] = form_field(spec)
        if case is not None:
            for name, attrs in field_limits(self.action.name, case).items():
                if name in self.fields:
                    self.fields[name].widget.attrs.update(attrs)

    def inputs(self) -> ActionInput:
        """The action's typed input, from the cleaned data."""
        return action_inputs(ActionName(self.action.name), self.cleaned_data)

    @property
    def expected_version(self) -> int | None:
        """The case version the user saw (None: not sent)."""
        version: int | None = self.cleaned_data.get("version")
        return version

    @property
    def form_attrs(self) -> str:
        """Checks across fields, for the <form> tag (a reason chosen or written)."""
        if self.action.name != "reject":
            return ""
        return flatatt(
            {
                "data-one-of": "preset reason",
                "data-one-of-message": str(_("Choose a reason or write one.")),
            }
        )


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def field_limits(action: str, case: Dispute) -> dict[str, dict[str, str]]:
    """The services' limits on an action's inputs for this case, as attributes.

    The same bounds the services apply (`dispute_offer`: less than the claim
    and what the order can still refund; `check_refundable` for proposals and
    rulings; an overturn may award what the ruling refunded plus what is
    left; a buyer win needs an amount; a request is due in the future).
    """
    refundable = case.order.refundable
    limits: dict[str, dict[str, str]] = {}
    if action == "offer":
        below_claim = case.amount - Decimal("0.01")
        if below_claim <= refundable:
            ceiling = below_claim
            why = _("An offer must be less than the claimed ¥%(amount)s.") % {
                "amount": _money(case.amount)
            }
        else:
            ceiling = refundable
            why = _("At most ¥%(max)s can still be refunded on this order.") % {
                "max": _money(refundable)
            }
        limits["amount"] = _ceiling(ceiling, why)
    elif action == "propose":
        limits["amount"] = _ceiling(
            refundable,
            _("At most ¥%(max)s can still be refunded on this order.")
            % {"max": _money(refundable)},
        )
    elif action in ("rule", "overturn"):
        ceiling = refundable + (case.refunded_amount if action == "overturn" else 0)
        limits["amount"] = {
            **_ceiling(
                ceiling,
                _("The buyer can get at most ¥%(max)s on this order.")
                % {"max": _money(ceiling)},
            ),
            "data-required-if": "outcome=buyer",
            "data-required-if-message": str(_("Enter the amount the buyer gets.")),
        }
    elif action == "request_evidence":
        now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        limits["due_at"] = {
            "min": now,
            "data-after": now,
            "data-after-message": str(_("The due time must be in the future.")),
        }
    return limits


def _ceiling(value: Decimal, why: str) -> dict[str, str]:
    return {"max": _money(value), "data-max": _money(value), "data-max-message": why}


def form_field(spec: Field) -> forms.Field:
    """The form field that parses one registry input into its domain type."""
    common: dict[str, Any] = {"label": spec.label, "required": spec.required}
    if spec.help_text:
        common["help_text"] = spec.help_text
    if spec.kind is FieldType.AMOUNT:
        return forms.DecimalField(
            min_value=Decimal("0.01"), max_digits=12, decimal_places=2, **common
        )
    if spec.kind is FieldType.TEXT:
        return forms.CharField(
            max_length=spec.max_length,
            widget=forms.Textarea(attrs={"rows": 3}),
            **common,
        )
    if spec.kind is FieldType.CHOICE:
        assert spec.choices is not None
        if spec.radio:
            return forms.ChoiceField(
                choices=spec.choices.choices, widget=forms.RadioSelect, **common
            )
        return forms.ChoiceField(choices=BLANK + spec.choices.choices, **common)
    if spec.kind is FieldType.USER:
        return forms.ModelChoiceField(
            queryset=selectors.active_handlers(), empty_label="—", **common
        )
    if spec.kind is FieldType.FLAG:
        return forms.BooleanField(**{**common, "required": False})
    if spec.kind is FieldType.DATETIME:
        return forms.DateTimeField(
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **common
        )
    return forms.ModelChoiceField(
        queryset=selectors.rules_in_force(),
        to_field_name="code",
        empty_label="—",
        **common,
    )


BLANK = [("", "—")]


def action_form(action: Action) -> type[ActionForm]:
    """The form class of `action`."""
    name = "".join(part.title() for part in action.name.split("_")) + "Form"
    return type(name, (ActionForm,), {"action": action})


# The actions buyers and merchants take on the case page, and their forms.
ACTION_FORMS: dict[ActionName, type[ActionForm]] = {
    name: action_form(ACTIONS[name]) for name in PORTAL_ACTIONS
}
