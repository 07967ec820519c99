from django import forms

from accounts.models import User


class PreferencesForm(forms.ModelForm):
    """The user's language for mail and whether news is e-mailed too."""

    class Meta:
        model = User
        fields = ["language", "email_updates"]


class MarkReadForm(forms.Form):
    """Either some of the user's notifications (`ids`) or `all` of them."""

    ids = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    all = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any number is accepted; the service ignores ids that are not the user's.
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()
