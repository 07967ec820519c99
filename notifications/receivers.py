"""Listen to the disputes app without it importing us."""

from __future__ import annotations

from core.tasks import enqueue_on_commit

from . import tasks


def fan_out_on_commit(sender, *, dispute, event, **kwargs) -> None:
    """Queue the fan-out of a new timeline entry; it runs after commit."""
    enqueue_on_commit(tasks.notify_case_event, event.pk, dispute.assigned_to_id)
