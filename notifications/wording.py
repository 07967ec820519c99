"""What happened, in the reader's language, for pages and mail."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from disputes.actions import event_label

# A store's governance news (no case): the kinds `store_news_notify` writes.
STORE_NEWS_LABELS = {
    "governance_applied": _("Your store's tier changed"),
    "governance_reinstated": _("Your store is reinstated"),
    "governance_appeal_upheld": _("Your governance appeal was not granted"),
    "governance_appeal_overturned": _("Your governance appeal was granted"),
    "contest_upheld": _("Contest upheld: the case no longer counts in the score"),
    "contest_rejected": _("Contest not upheld: the case still counts in the score"),
}


def kind_label(kind: str) -> str:
    """The translated past-tense label of a timeline entry (the action
    registry) or of a store's governance news."""
    if kind in STORE_NEWS_LABELS:
        return str(STORE_NEWS_LABELS[kind])
    return event_label(kind)
