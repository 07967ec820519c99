"""Retention: a closed case's record is kept at least three years, then purged.

Purging keeps the facts the statistics need (states, times, amounts, the
decisions and their reasoning, hashes and sizes of the files) and erases what
people wrote or sent: messages, notes, descriptions, the evidence files and
their names. The case is marked purged; `verify_case_chain` skips it (its
texts no longer match the hashes sealed over them).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.errors import InvalidTransition

from ..choices import State
from ..models import Appeal, Dispute, DisputeEvent, Evidence, EvidenceRequest, Message
from ._core import lock_case

RETENTION_MIN_YEARS = 3


def retention_years() -> int:
    """The configured retention; never under the three years the record needs."""
    years = int(getattr(settings, "RECORD_RETENTION_YEARS", RETENTION_MIN_YEARS))
    if years < RETENTION_MIN_YEARS:
        raise ValueError(
            f"RECORD_RETENTION_YEARS is {years}; records are kept at least "
            f"{RETENTION_MIN_YEARS} years after a case closes"
        )
    return years


def retention_cutoff(now: datetime, years: int) -> datetime:
    """`years` calendar years before `now` (29 February falls back to the 28th)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def cases_past_retention(*, now: datetime | None = None) -> QuerySet[Dispute]:
    """Closed cases whose retention has run out and that are not purged yet."""
    cutoff = retention_cutoff(now or timezone.now(), retention_years())
    due: QuerySet[Dispute] = Dispute.objects.filter(
        state=State.CLOSED, closed_at__lt=cutoff, record_purged_at__isnull=True
    )
    return due.order_by("closed_at", "pk")


@transaction.atomic
def case_record_purge(*, dispute: Dispute, now: datetime | None = None) -> int:
    """Erase the case's texts and files; returns how many files were deleted.
    Refuses a case that is open or closed within the retention period."""
    now = now or timezone.now()
    case = lock_case(dispute)
    cutoff = retention_cutoff(now, retention_years())
    if case.state != State.CLOSED or case.closed_at is None or case.closed_at >= cutoff:
        raise InvalidTransition("the case is still within its retention period")
    deleted = 0
    for evidence in Evidence.objects.filter(dispute=case).exclude(file=""):
        evidence.file.delete(save=False)
        deleted += 1
    Evidence.objects.filter(dispute=case).update(
        file="", original_name="", description=""
    )
    Message.objects.filter(dispute=case).update(body="")
    DisputeEvent.objects.filter(dispute=case).update(note="")
    EvidenceRequest.objects.filter(dispute=case).update(what="")
    Appeal.objects.filter(dispute=case).update(reason="")
    Dispute.objects.filter(pk=case.pk).update(
        description="",
        rejection_reason="",
        offer_note="",
        proposal_note="",
        record_purged_at=now,
    )
    return deleted
