"""The periodic jobs and when each is due; `manage.py run_schedules` queues
each one through django-tasks once a period (a `ScheduledRun` row per job
and period: idempotent across restarts and concurrent schedulers).

- `store_health` daily from 01:00 platform time: the store-health recompute
  of the window that ended yesterday (reports.tasks.recompute_store_health).
- `quality_sample` weekly from Monday 02:00 platform time: the quality
  review sample of the week before (disputes.tasks.quality_sample_week).

A scheduler that was down catches up: a job not queued for the current
period is queued at the next check (an earlier missed period is not: both
jobs read a window that ends with the period before).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import import_module
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ScheduledRun


@dataclass(frozen=True)
class Schedule:
    name: str
    every: str  # "day" or "week" (weeks start on Monday)
    due_from: time  # the period's first day, platform time
    task: str  # "module.attribute" of the django-tasks task (imported late)
    args: Callable[[date], tuple[Any, ...]]  # from the period's first day

    def period(self, today: date) -> date:
        """The first day of the period `today` falls in."""
        if self.every == "week":
            return today - timedelta(days=today.weekday())
        return today

    def due_at(self, period: date) -> datetime:
        return timezone.make_aware(datetime.combine(period, self.due_from))

    def load(self) -> Any:
        """The task (imported here: core sits below the apps that define it)."""
        module, _, attribute = self.task.rpartition(".")
        return getattr(import_module(module), attribute)


SCHEDULES: tuple[Schedule, ...] = (
    Schedule(
        "store_health",
        "day",
        time(1, 0),
        "reports.tasks.recompute_store_health",
        lambda day: ((day - timedelta(days=1)).isoformat(),),
    ),
    Schedule(
        "quality_sample",
        "week",
        time(2, 0),
        "disputes.tasks.quality_sample_week",
        lambda monday: ((monday - timedelta(days=7)).isoformat(),),
    ),
)


def schedules_run_due(now: datetime | None = None) -> list[ScheduledRun]:
    """Queue every job due now and not yet queued for its period; returns
    the runs queued by this call (none when all are done or not yet due).

    The run's row and the task's row are written in one transaction (the
    database task backend): both exist, or neither. Two schedulers asking at
    once: the unique (job, period) lets one of them queue it.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    queued = []
    for schedule in SCHEDULES:
        period = schedule.period(today)
        if now < schedule.due_at(period):
            continue
        if ScheduledRun.objects.filter(name=schedule.name, period=period).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=schedule.name, period=period)
                result = schedule.load().enqueue(*schedule.args(period))
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:  # another scheduler queued it first
            continue
        queued.append(run)
    return queued
