"""`manage.py apply_deadlines`: apply every due deadline, once or in a loop."""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connection

from disputes.services import apply_due_deadlines

logger = logging.getLogger("disputes.deadlines")

LABELS = {
    "targets_set": "agent targets set",
    "silent": "silent merchants handled",
    "closed": "rulings made final",
    "evidence_deadlines": "evidence deadlines passed",
    "goods_due": "goods steps due applied",
    "goods_warnings": "goods step warnings",
    "sla_breaches": "agent targets missed",
    "sla_warnings": "agent target warnings",
    "evidence_timeouts": "evidence requests timed out",
    "errors": "errors",
}
# After a failed run (database down, connection dropped) the loop waits
# BACKOFF_FIRST seconds, doubling up to BACKOFF_MAX, then tries again.
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 300.0


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
        if interval is None:
            self._run_once()
            return
        runs, failures = 0, 0
        try:
            while True:
                runs += 1
                wait = interval
                try:
                    self._run_once()
                    failures = 0
                except Exception:  # a worker never dies of a transient error
                    failures += 1
                    wait = max(interval, self._recover(failures))
                if limit and runs >= limit:
                    return
                if not connection.in_atomic_block:  # e.g. inside a test
                    close_old_connections()  # a long-running worker drops stale ones
                time.sleep(wait)
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

    def _recover(self, failures: int) -> float:
        """Log the failure, drop the broken connection, say how long to back off."""
        delay = min(BACKOFF_FIRST * 2 ** (failures - 1), BACKOFF_MAX)
        logger.exception(
            "apply_deadlines run failed (%d in a row); retrying in %.0f s",
            failures,
            delay,
        )
        self.stderr.write(f"Run failed; retrying in {delay:.0f} s.")
        _close_connection()
        return delay

    def _run_once(self) -> None:
        done = apply_due_deadlines()
        summary = ", ".join(f"{LABELS.get(k, k)}: {n}" for k, n in done.items())
        style = self.style.ERROR if done.get("errors") else self.style.SUCCESS
        self.stdout.write(style(summary))


def _close_connection() -> None:
    """Drop a possibly broken connection; the next query opens a fresh one."""
    if not connection.in_atomic_block:  # inside a test's transaction: keep it
        connection.close()
