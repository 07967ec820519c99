"""Forms of the store review pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PROVINCES


class StoreReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the store's review log)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReturnAddressForm(forms.Form):
    """A store's return address; stores.services checks and saves it."""

    return_recipient = forms.CharField(label=_("Recipient"), max_length=64)
    return_phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        help_text=_("A mobile number or a landline with its area code."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    return_province = forms.ChoiceField(
        label=_("Province"), choices=[("", "—"), *((p, p) for p in PROVINCES)]
    )
    return_city = forms.CharField(label=_("City"), max_length=32)
    return_district = forms.CharField(
        label=_("District"), max_length=32, required=False
    )
    return_address_line = forms.CharField(
        label=_("Street address"),
        max_length=200,
        help_text=_("Street, building, room; what the courier needs to deliver."),
    )

    def add_service_errors(self, errors: dict) -> None:
        """Put a service's field errors on the fields they name."""
        for name, messages in errors.items():
            for message in messages if isinstance(messages, list) else [messages]:
                self.add_error(name if name in self.fields else None, message)
