from django import forms

from accounts.models import User


class PreferencesForm(forms.ModelForm):
    """The user's language for mail and whether news is e-mailed too."""

    class Meta:
        model = User
        fields = ["language", "email_updates"]


class AnyIdsField(forms.TypedMultipleChoiceField):
    """Numbers, any of them: the service ignores ids that are not the user's."""

    def valid_value(self, value: object) -> bool:
        return str(value).isdigit()


class MarkReadForm(forms.Form):
    """Either some of the user's notifications (`ids`) or `all` of them."""

    ids = AnyIdsField(coerce=int, required=False, choices=())
    all = forms.BooleanField(required=False)
