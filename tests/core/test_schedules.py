"""The scheduler queues each periodic job once per period: the daily
store-health recompute from 01:00 and the weekly quality sample from Monday
02:00 (platform time), recorded in the database, so a restart or a second
scheduler queues nothing twice."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from core.models import ScheduledRun
from core.schedules import schedules_run_due

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """December 2026, China time (2026-12-07 is a Monday)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=SH)


def queued() -> list[tuple[str, list]]:
    return sorted(
        (row.task_path.rsplit(".", 1)[1], row.args_kwargs["args"])
        for row in DBTaskResult.objects.all()
    )


# (moment, the jobs this check queues) — one scheduler running through a week
TIMELINE = [
    (at(7, 0, 30), []),  # Monday, before 01:00: nothing due yet
    (at(7, 1, 0), ["store_health"]),  # the day's recompute is due
    (at(7, 1, 1), []),  # asked again: already queued today
    (at(7, 2, 0), ["quality_sample"]),  # the week's sample is due
    (at(7, 23, 59), []),
    (at(8, 0, 59), []),  # Tuesday, before 01:00
    (at(8, 9, 0), ["store_health"]),  # Tuesday's
    (at(13, 23, 0), ["store_health"]),  # a scheduler down since Tuesday catches up
    (at(14, 1, 30), ["store_health"]),  # the next Monday: the day's ...
    (at(14, 2, 0), ["quality_sample"]),  # ... and the week's
    (at(14, 2, 1), []),
]


def test_each_job_is_queued_once_per_period():
    for moment, expected in TIMELINE:
        with time_machine.travel(moment, tick=False):
            assert [r.name for r in schedules_run_due()] == expected, moment
    runs = list(
        ScheduledRun.objects.order_by("queued_at", "id").values_list("name", "period")
    )
    assert [(n, p.isoformat()) for n, p in runs] == [
        ("store_health", "2026-12-07"),
        ("quality_sample", "2026-12-07"),
        ("store_health", "2026-12-08"),
        ("store_health", "2026-12-13"),
        ("store_health", "2026-12-14"),
        ("quality_sample", "2026-12-14"),
    ]
    # Each task got the window that ended before its period: yesterday, and
    # the week before.
    assert queued() == [
        ("quality_sample_week", ["2026-11-30"]),
        ("quality_sample_week", ["2026-12-07"]),
        ("recompute_store_health", ["2026-12-06"]),
        ("recompute_store_health", ["2026-12-07"]),
        ("recompute_store_health", ["2026-12-12"]),
        ("recompute_store_health", ["2026-12-13"]),
    ]
    ids = set(ScheduledRun.objects.values_list("task_id", flat=True))
    assert ids == {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}


def test_a_restarted_scheduler_queues_nothing_twice():
    with time_machine.travel(at(9, 10), tick=False):
        call_command("run_schedules", stdout=(first := StringIO()))
        call_command("run_schedules", stdout=(second := StringIO()))
    assert first.getvalue() == (
        "Queued store_health for 2026-12-09.\nQueued quality_sample for 2026-12-07.\n"
    )
    assert second.getvalue() == ""
    assert DBTaskResult.objects.count() == 2
    assert ScheduledRun.objects.count() == 2


def test_the_queued_jobs_run(run_tasks):
    """What the scheduler queues, the worker runs (no stores, no rulings)."""
    with time_machine.travel(at(9, 10), tick=False):
        schedules_run_due()
        assert run_tasks() == 2
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
