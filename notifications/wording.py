"""What happened, in the reader's language, for pages and mail."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from disputes import workbench

# NOTE: the action registry (disputes/actions.py, another branch) will hold
# each action's past-tense wording; until it lands this reads the workbench's
# timeline labels and adds the service-level entries.
_EXTRA = {
    "sla_warning": _("Service level nearly due"),
    "sla_breach": _("Service level missed"),
}


def kind_label(kind: str) -> str:
    """The translated past-tense label of a timeline entry's action."""
    if kind in _EXTRA:
        return str(_EXTRA[kind])
    return workbench.event_label(kind)
