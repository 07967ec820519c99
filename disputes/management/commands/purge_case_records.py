"""`manage.py purge_case_records`: erase records whose retention has run out."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from disputes.models import Dispute
from disputes.services.retention import (
    case_record_purge,
    cases_past_retention,
    retention_years,
)


class Command(BaseCommand):
    help = (
        "Erase the texts and files of cases closed more than "
        "RECORD_RETENTION_YEARS (at least 3) years ago; never an open case or "
        "one closed more recently. --dry-run lists them and changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--limit", type=int, default=None)

    def handle(self, *args, **options) -> None:
        try:
            years = retention_years()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        due = cases_past_retention()
        if options["limit"]:
            due = due[: options["limit"]]
        cases = files = 0
        # The ids first: each purge is its own transaction, no cursor held open.
        for pk, number, closed_at in list(due.values_list("pk", "number", "closed_at")):
            cases += 1
            if options["dry_run"]:
                self.stdout.write(f"would purge {number} (closed {closed_at:%Y-%m-%d})")
                continue
            files += case_record_purge(dispute=Dispute(pk=pk))
        verb = "would purge" if options["dry_run"] else "purged"
        self.stdout.write(
            f"{verb} {cases} case(s) closed more than {years} years ago; "
            f"files deleted: {files}"
        )
