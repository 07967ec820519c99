"""`manage.py apply_deadlines`: apply every due deadline, once or in a loop."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connection

from disputes.services import apply_due_deadlines

LABELS = {
    "silent": "silent merchants handled",
    "closed": "rulings made final",
    "evidence_timeouts": "evidence requests timed out",
    "errors": "errors",
}


class Command(BaseCommand):
    help = (
        "Apply every due deadline: a silent merchant's case goes to the platform "
        "(or is refunded, per policy), a ruling whose appeal window passed becomes "
        "final, an unanswered evidence request times out. Idempotent and safe to "
        "run on several machines at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="Run again every SECONDS until stopped (for a worker).",
        )
        parser.add_argument(
            "--iterations",
            type=int,
            default=0,
            help="With --loop, stop after this many runs (default: never).",
        )

    def handle(self, *args, **options) -> None:
        interval, limit = options["loop"], options["iterations"]
        if interval is not None and interval < 0:
            raise CommandError("--loop needs a number of seconds >= 0.")
        runs = 0
        try:
            while True:
                self._run_once()
                runs += 1
                if interval is None or (limit and runs >= limit):
                    return
                if not connection.in_atomic_block:  # e.g. inside a test
                    close_old_connections()  # a long-running worker drops stale ones
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

    def _run_once(self) -> None:
        done = apply_due_deadlines()
        summary = ", ".join(f"{LABELS.get(k, k)}: {n}" for k, n in done.items())
        style = self.style.ERROR if done.get("errors") else self.style.SUCCESS
        self.stdout.write(style(summary))
