"""Publish a new timeline entry to the rest of the platform."""

from __future__ import annotations

from django.db import transaction

from .. import notifications
from ..models import Dispute, DisputeEvent
from ..signals import case_event


def event_publish(*, case: Dispute, event: DisputeEvent) -> None:
    """Send `case_event` now (same transaction) and the party mail on commit."""
    case_event.send(sender=Dispute, dispute=case, event=event)
    if not event.internal:
        transaction.on_commit(lambda: notifications.case_changed(case, event))
