"""Background work of the case engine (django-tasks, run by `db_worker`)."""

from __future__ import annotations

from datetime import date

from django_tasks import task


@task(queue_name="default")
def quality_sample_week(week: str = "") -> dict[str, int]:
    """Queue a week's quality reviews (`week`: an ISO date in it; blank: the
    last full week). Idempotent, so it may run more than once."""
    from .services.quality import last_full_week, sample_week

    day = date.fromisoformat(week) if week else last_full_week()
    done = sample_week(day)
    return {
        "sampled": done.sampled,
        "overturned": done.overturned,
        "seconds": done.seconds,
    }
