"""Recompute the stores' health scores (T+1), now or as a queued task."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from reports.health import health_day, health_recompute
from reports.models import StoreHealth
from reports.tasks import recompute_store_health


class Command(BaseCommand):
    help = (
        "Score every store over the window that ended yesterday (China time) "
        "from the report rollups, keep the score in its history and propose "
        "tier changes. Safe to run twice a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--day", help="last day of the window, YYYY-MM-DD")
        parser.add_argument(
            "--no-propose", action="store_true", help="score only, no proposals"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="queue it for the task worker"
        )
        parser.add_argument(
            "--loop",
            type=int,
            metavar="SECONDS",
            help="every SECONDS seconds, queue the day's recompute once",
        )

    def handle(self, *args, day=None, no_propose=False, enqueue=False, loop=None, **kw):
        last = parse_date(day) if day else None
        if day and last is None:
            raise CommandError("--day is YYYY-MM-DD.")
        if loop:
            while True:
                if not StoreHealth.objects.filter(day=health_day()).exists():
                    recompute_store_health.enqueue()
                time.sleep(loop)
        if enqueue:
            recompute_store_health.enqueue(last.isoformat() if last else None)
            self.stdout.write("Queued.")
            return
        started = time.monotonic()
        scored = health_recompute(day=last, propose=not no_propose)
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Scored {scored:,} stores in {seconds:.1f} s.")
        )
