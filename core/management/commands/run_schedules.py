"""Queue the periodic jobs that are due (once, or every N seconds)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.schedules import SCHEDULES, schedules_run_due


class Command(BaseCommand):
    help = (
        "Queue each periodic job (the daily store-health recompute, the weekly "
        "quality review sample) through the task worker once per period; the "
        "runs are recorded, so restarts and a second scheduler queue nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=int,
            metavar="SECONDS",
            help="Check again every SECONDS seconds until stopped.",
        )

    def handle(self, *, loop: int | None, **options: Any) -> None:
        if options["verbosity"] > 1:
            for s in SCHEDULES:
                self.stdout.write(f"{s.name}: every {s.every} from {s.due_from:%H:%M}")
        while True:
            for run in schedules_run_due():
                self.stdout.write(f"Queued {run.name} for {run.period:%Y-%m-%d}.")
            if not loop:
                return
            time.sleep(loop)
