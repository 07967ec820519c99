"""What happened, in the reader's language, for pages and mail."""

from __future__ import annotations

from disputes.actions import event_label


def kind_label(kind: str) -> str:
    """The translated past-tense label of a timeline entry (the action registry)."""
    return event_label(kind)
