"""Put tasks whose worker died back in the queue (once, or every N seconds)."""

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from core.tasks import tasks_requeue_stale


class Command(BaseCommand):
    help = "Requeue tasks left RUNNING by a worker that was killed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--minutes",
            type=float,
            default=settings.TASKS_STALE_AFTER_MINUTES,
            help="A task RUNNING longer than this lost its worker (default: "
            "TASKS_STALE_AFTER_MINUTES).",
        )
        parser.add_argument(
            "--loop",
            type=int,
            metavar="SECONDS",
            help="Check again every SECONDS seconds until stopped.",
        )

    def handle(self, *, minutes: float, loop: int | None, **options: Any) -> None:
        while True:
            count = tasks_requeue_stale(older_than=timedelta(minutes=minutes))
            if count or options["verbosity"] > 1:
                self.stdout.write(f"Requeued {count} stale task(s).")
            if not loop:
                return
            time.sleep(loop)
