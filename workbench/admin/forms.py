"""The small form behind each case action button, and the reply form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from disputes import selectors
from disputes.actions import ACTIONS, ADMIN_ACTIONS, ActionName
from disputes.forms import ActionForm, action_form
from disputes.models import CannedReply


def handlers() -> forms.ModelChoiceField:
    """A chooser of active agents and supervisors."""
    return forms.ModelChoiceField(
        queryset=selectors.active_handlers(), label=_("Agent")
    )


# The actions agents and supervisors take in the workbench, and their forms.
ACTION_FORMS: dict[ActionName, type[ActionForm]] = {
    name: action_form(ACTIONS[name]) for name in ADMIN_ACTIONS
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
