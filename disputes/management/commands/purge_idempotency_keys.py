"""`manage.py purge_idempotency_keys`: forget old Idempotency-Key responses."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from core.api import purge_idempotency_records


class Command(BaseCommand):
    help = (
        "Delete stored Idempotency-Key responses older than "
        "IDEMPOTENCY_KEY_TTL_HOURS and in-flight claims left by requests that died."
    )

    def handle(self, *args, **options) -> None:
        deleted = purge_idempotency_records()
        self.stdout.write(f"idempotency records deleted: {deleted}")
