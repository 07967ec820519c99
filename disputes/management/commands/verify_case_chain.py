"""`manage.py verify_case_chain [NUMBER]`: prove a case record (or all) intact."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from disputes.models import Dispute, DisputeEvent
from disputes.services.chain import chain_breaks


class Command(BaseCommand):
    help = (
        "Check the hash chain of one case's timeline (by number) or of every "
        "case, and the stored files against their upload hashes. Exits 1 and "
        "names the first broken entry of each broken case."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("number", nargs="?", help="A case number; all if absent.")
        parser.add_argument(
            "--skip-files",
            action="store_true",
            help="Check the chain only, not the stored files' bytes.",
        )

    def handle(self, *args, **options) -> None:
        number = options["number"]
        if number and not Dispute.objects.filter(number=number).exists():
            raise CommandError(f"no case {number}")
        started, counted = time.perf_counter(), [0, 0]

        def progress(cases: int, entries: int) -> None:
            counted[0] += cases
            counted[1] += entries

        broken = 0
        for found in chain_breaks(
            Dispute,
            DisputeEvent,
            number=number,
            check_files=not options["skip_files"],
            on_batch=progress,
        ):
            broken += 1
            self.stderr.write(f"BROKEN {found}")
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"checked {counted[0]} cases, {counted[1]} entries in {seconds:.2f} s; "
            f"broken: {broken}"
        )
        if broken:
            raise CommandError(f"{broken} case record(s) broken", returncode=1)
