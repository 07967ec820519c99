"""Forms for the buyer and merchant pages: they collect input, services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.uploads import ACCEPTED_TYPES, max_upload_mb, upload_refusal

from . import selectors
from .actions import (
    ACTIONS,
    PORTAL_ACTIONS,
    Action,
    Field,
    FieldType,
    service_kwargs,
)
from .choices import Reason, Remedy
from .policy import description_refusal
from .rules_pure import EVIDENCE_DESCRIPTION_MAX

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


class DisputeOpenForm(forms.Form):
    reason = forms.ChoiceField(label=_("Problem"), choices=_pick(Reason.choices))
    remedy = forms.ChoiceField(label=_("What you want"), choices=_pick(Remedy.choices))
    amount = forms.DecimalField(
        label=_("Refund amount (¥)"),
        min_value=0.01,
        max_digits=12,
        decimal_places=2,
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
    evidence_note = forms.CharField(
        label=_("About the files"),
        max_length=EVIDENCE_DESCRIPTION_MAX,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
        return data

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
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
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
    refuses the action (409), so a double submission acts once.
    """

    action: ClassVar[Action]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, role: Role | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in self.action.fields:
            if spec.roles is None or role in spec.roles:
                self.fields[spec.name] = form_field(spec)

    def service_kwargs(self) -> dict[str, Any]:
        return service_kwargs(self.action, self.cleaned_data)


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
        return forms.ModelChoiceField(queryset=selectors.active_handlers(), **common)
    if spec.kind is FieldType.FLAG:
        return forms.BooleanField(**{**common, "required": False})
    if spec.kind is FieldType.DATETIME:
        return forms.DateTimeField(
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **common
        )
    return forms.ModelChoiceField(
        queryset=selectors.rules_in_force(), to_field_name="code", **common
    )


BLANK = [("", "—")]


def action_form(action: Action) -> type[ActionForm]:
    """The form class of `action`."""
    name = "".join(part.title() for part in action.name.split("_")) + "Form"
    return type(name, (ActionForm,), {"action": action})


# The actions buyers and merchants take on the case page, and their forms.
ACTION_FORMS: dict[str, type[ActionForm]] = {
    name: action_form(ACTIONS[name]) for name in PORTAL_ACTIONS
}
