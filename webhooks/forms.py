from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from stores.models import Store

from .events import EVENT_CHOICES


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("An https address of your system on the public internet."),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EVENT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none to receive every event."),
    )
    store = forms.ModelChoiceField(label=_("Store"), queryset=Store.objects.none())

    def __init__(self, *args, store_ids=frozenset(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        stores = Store.objects.filter(pk__in=store_ids).order_by("name")
        self.fields["store"].queryset = stores  # type: ignore[attr-defined]
        if len(store_ids) == 1:
            self.fields["store"].initial = next(iter(store_ids))
            self.fields["store"].widget = forms.HiddenInput()
