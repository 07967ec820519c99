"""E-mail the parties when their case changes (called after commit)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def recipients(case, event) -> list[str]:
    """The buyer and the store owner, except whoever acted."""
    people = [case.buyer, case.store.owner]
    return sorted(
        {
            p.email
            for p in people
            if p.email and p.pk != getattr(event, "actor_id", None)
        }
    )


def case_changed(case, event) -> int:
    """Send one e-mail per party about a public timeline entry; never raises."""
    if event.internal:
        return 0
    try:
        to = recipients(case, event)
        subject = _("Case %(number)s: %(action)s") % {
            "number": case.number,
            "action": event.action.replace("_", " "),
        }
        body = _(
            "Your after-sales case %(number)s was updated (%(action)s).\n"
            "State: %(state)s\n%(note)s\n\nSee the case: %(url)s"
        ) % {
            "number": case.number,
            "action": event.action.replace("_", " "),
            "state": case.get_state_display(),
            "note": event.note,
            "url": case.get_absolute_url(),
        }
        messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [a]) for a in to]
        return send_mass_mail(messages, fail_silently=False) if messages else 0
    except Exception:  # mail must never undo a committed action
        logger.exception("Could not send the notification for %s", case.number)
        return 0
