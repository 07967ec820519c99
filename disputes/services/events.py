"""Publish a new timeline entry to the rest of the platform."""

from __future__ import annotations

from ..models import Dispute, DisputeEvent
from ..signals import case_event


def event_publish(*, case: Dispute, event: DisputeEvent) -> None:
    """Send `case_event` now, in the writing transaction.

    Receivers (notifications, webhooks) queue their tasks with
    `core.tasks.enqueue_on_commit`, so nothing leaves before the commit.
    """
    case_event.send(sender=Dispute, dispute=case, event=event)
