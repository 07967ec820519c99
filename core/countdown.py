"""How long until a deadline, in the reader's language: "3h 20min left"."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

# A parties' deadline is "due soon" in its last four hours.
DUE_SOON = timedelta(hours=4)

__all__ = ["DUE_SOON", "age", "countdown_formats", "time_left"]


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)sd %(h)sh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)sh %(m)smin") % {"h": hours, "m": mins}
    return _("%(m)smin") % {"m": mins}


def time_left(
    deadline: datetime | None, now: datetime | None = None
) -> tuple[str, str]:
    """('3h 20min left' or 'overdue 2h', tone) for a deadline; ('', '') for none."""
    if deadline is None:
        return "", ""
    delta = deadline - (now or timezone.now())
    if delta.total_seconds() < 0:
        return _("overdue %(span)s") % {"span": _span(-delta)}, "danger"
    tone = "warn" if delta < DUE_SOON else ""
    return _("%(span)s left") % {"span": _span(delta)}, tone


def countdown_formats() -> dict[str, str]:
    """The countdown's wording in the reader's language, for the page's script."""
    return {
        "left": _("%(span)s left") % {"span": "{span}"},
        "overdue": _("overdue %(span)s") % {"span": "{span}"},
        "dh": _("%(d)sd %(h)sh") % {"d": "{d}", "h": "{h}"},
        "hm": _("%(h)sh %(m)smin") % {"h": "{h}", "m": "{m}"},
        "m": _("%(m)smin") % {"m": "{m}"},
    }


def age(opened_at: datetime, now: datetime | None = None) -> str:
    return _span((now or timezone.now()) - opened_at)
