"""Rebuild the report rollups from the cases and orders tables."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from reports.rollups import rebuild


class Command(BaseCommand):
    help = (
        "Recompute the report rollups from the raw tables, a month at a time "
        "(whole months around --from/--to; every month by default). Safe to "
        "run again and while the site is in use."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="YYYY-MM-DD")
        parser.add_argument(
            "--no-progress", action="store_true", help="no progress bar"
        )

    def handle(self, *args, date_from=None, date_to=None, no_progress=False, **kw):
        start, end = self._day(date_from, "--from"), self._day(date_to, "--to")
        if start and end and start > end:
            raise CommandError("--from is after --to.")
        started = time.monotonic()
        bar = None if no_progress else self._bar
        cases = rebuild(date_from=start, date_to=end, progress=bar)
        if bar:
            self.stdout.write("")
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Rolled up {cases:,} cases in {seconds:.1f} s.")
        )

    def _day(self, value, name):
        if value is None:
            return None
        day = parse_date(value) if isinstance(value, str) else None
        if day is None:
            raise CommandError(f"{name} must be a date like 2026-03-01.")
        return day

    def _bar(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total} months", ending="")
        self.stdout.flush()
        if not sys.stdout.isatty() and done == total:
            self.stdout.write("")
