"""`manage.py seal_case_records`: chain entries written before the chain existed."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from disputes.models import Dispute, DisputeEvent, Evidence
from disputes.services.chain import cases_seal, evidence_fill_hashes


class Command(BaseCommand):
    help = (
        "Store the SHA-256 of evidence files that have none, then number and "
        "chain the timeline of every case holding unsealed entries (older rows). "
        "Cases whose entries are all sealed are never touched."
    )

    def handle(self, *args, **options) -> None:
        filled = evidence_fill_hashes(Evidence)
        sealed = cases_seal(Dispute, DisputeEvent)
        self.stdout.write(f"evidence hashed: {filled}; cases sealed: {sealed}")
