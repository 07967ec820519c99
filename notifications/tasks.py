"""The notification tasks run by the worker (`manage.py db_worker`).

The services are imported inside the tasks: they queue these tasks themselves.
"""

from __future__ import annotations

from core.tasks import retrying_task


@retrying_task(max_attempts=5, backoff_seconds=10)
def notify_case_event(event_id: int, assigned_to_id: int | None = None) -> int:
    """Tell everyone who should hear of a timeline entry; returns how many."""
    from .services import notifications_fan_out

    return notifications_fan_out(event_id=event_id, assigned_to_id=assigned_to_id)


@retrying_task(max_attempts=6, backoff_seconds=60)
def mail_notification(notification_id: int) -> bool:
    """E-mail one notification to its recipient (once); True when sent."""
    from .mail import notification_mail_send

    return notification_mail_send(notification_id=notification_id)
