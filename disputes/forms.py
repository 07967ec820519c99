"""Forms for the buyer and merchant pages: they collect input, services decide."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from core.files import upload_refusal

from .choices import Reason, Remedy

MAX_FILES = 5
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


class DisputeOpenForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices)
    remedy = forms.ChoiceField(label=_("What you want"), choices=Remedy.choices)
    amount = forms.DecimalField(
        label=_("Amount (¥)"), min_value=0.01, max_digits=12, decimal_places=2
    )
    description = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
    files = MultipleFileField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_("Photos, PDF or MP4, up to %(n)s files.") % {"n": MAX_FILES},
    )
    evidence_note = forms.CharField(
        label=_("About the files"), max_length=500, required=False
    )

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
    file = forms.FileField(label=_("File"))
    description = forms.CharField(
        label=_("Description"), max_length=500, required=False
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload


class ActionForm(forms.Form):
    """An action with no input; `version` guards against double submission."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def service_kwargs(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        if self.cleaned_data.get("version"):
            data["expected_version"] = self.cleaned_data["version"]
        return data


class NoteActionForm(ActionForm):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OfferForm(ActionForm):
    amount = forms.DecimalField(
        label=_("Offer (¥)"), min_value=0.01, max_digits=12, decimal_places=2
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonActionForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# The actions buyers and merchants take on the case page, and their forms.
ACTION_FORMS: dict[str, type[ActionForm]] = {
    "accept": ActionForm,
    "offer": OfferForm,
    "accept_offer": ActionForm,
    "reject": ReasonActionForm,
    "request_intervention": NoteActionForm,
    "withdraw": NoteActionForm,
    "accept_proposal": ActionForm,
    "appeal": ReasonActionForm,
}


ACTION_DONE = {
    "accept": _("You accepted the claim; the buyer is refunded."),
    "offer": _("Your offer was sent to the buyer."),
    "accept_offer": _("You accepted the offer; the refund is on its way."),
    "reject": _("You rejected the claim."),
    "request_intervention": _("The platform has been asked to step in."),
    "withdraw": _("The case was withdrawn."),
    "accept_proposal": _("You accepted the proposal."),
    "appeal": _("Your appeal was filed; a senior reviewer will re-examine the case."),
}

# Actions that deserve a warning look (they end or escalate the case).
ACTION_TONES = {
    "reject": "danger",
    "withdraw": "danger",
    "request_intervention": "warn",
    "appeal": "warn",
}
