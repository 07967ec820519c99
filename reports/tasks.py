"""The daily store-health recompute as a task for the worker."""

from __future__ import annotations

from django.utils.dateparse import parse_date

from core.tasks import retrying_task


@retrying_task(max_attempts=3, backoff_seconds=300)
def recompute_store_health(day: str | None = None) -> int:
    """Score every store for the window ending on `day` (ISO date; yesterday
    in China time by default) and propose tier changes. Safe to run twice."""
    from .health import health_recompute

    return health_recompute(day=parse_date(day) if day else None)
