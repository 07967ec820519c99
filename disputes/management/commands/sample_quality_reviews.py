"""`manage.py sample_quality_reviews [--week YYYY-MM-DD] [--queue]`."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from disputes.services.quality import last_full_week, sample_week
from disputes.tasks import quality_sample_week


class Command(BaseCommand):
    help = (
        "Queue a week's quality reviews of rulings: at least 5 % of each agent's "
        "rulings, every ruling overturned that week, and blind second reviews. "
        "Idempotent; run it weekly (default: the last full week)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--week", default="", help="Any day of the week.")
        parser.add_argument(
            "--queue", action="store_true", help="Queue it as a task instead."
        )

    def handle(self, *args, week: str, queue: bool, **options) -> None:
        try:
            day = date.fromisoformat(week) if week else last_full_week()
        except ValueError as exc:
            raise CommandError(f"--week: {exc}") from exc
        if queue:
            quality_sample_week.enqueue(day.isoformat())
            self.stdout.write(f"queued: week of {day.isoformat()}")
            return
        done = sample_week(day)
        self.stdout.write(
            f"week of {day.isoformat()}: sampled {done.sampled}, "
            f"overturned {done.overturned}, blind seconds {done.seconds} (new)"
        )
