"""Forms of the store review pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class StoreReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the store's review log)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
