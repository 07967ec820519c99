"""Pure case rules shared by the services and the demo's bulk builder.

No database, no clock: each function computes one fact from its arguments,
so the services (one case at a time, under row locks) and the bulk seeder (a
million cases at once) cannot disagree about deadlines, money or numbering.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Protocol

from django.utils import timezone
from django.utils.translation import gettext as _

from core.workcalendar import add_working_hours

from .choices import DeadlineKind, MerchantResponse, Outcome, Reason, State
from .policy import Policy

ZERO = Decimal("0.00")

# The most an evidence file's description may say (Evidence.description).
EVIDENCE_DESCRIPTION_MAX = 500

# Reasons whose claim the merchant cannot judge without the buyer's account.
DESCRIPTION_REQUIRED = frozenset(
    {
        Reason.QUALITY,
        Reason.NOT_AS_DESCRIBED,
        Reason.DAMAGED,
        Reason.MISSING_PARTS,
        Reason.COUNTERFEIT,
        Reason.OTHER,
    }
)


class CaseClock(Protocol):
    """The fields of a case that decide its current deadline."""

    state: str
    merchant_response: str
    merchant_deadline_at: datetime | None
    evidence_deadline_at: datetime | None
    appeal_deadline_at: datetime | None


def deadline_for(
    case: CaseClock,
    policy: Policy,
    *,
    appeal_filed_at: datetime | None,
    target: tuple[str, datetime] | None,
    now: datetime,
) -> tuple[datetime | None, str]:
    """(deadline_at, deadline_kind) that govern the case's current state.

    `target` is the agents' current service-level target (kind, due), counted
    on the working calendar by `disputes.sla`; an evidence deadline governs
    verification only while it lies ahead of `now`.
    """
    state = case.state
    evidence_due = case.evidence_deadline_at
    if state == State.NEGOTIATION:
        if case.merchant_response == MerchantResponse.NONE:
            return case.merchant_deadline_at, DeadlineKind.MERCHANT_RESPONSE
    elif state == State.VERIFICATION and evidence_due and evidence_due > now:
        return evidence_due, DeadlineKind.EVIDENCE
    elif target is not None:
        return target[1], target[0]
    elif state == State.RULED:
        return case.appeal_deadline_at, DeadlineKind.APPEAL_WINDOW
    elif state == State.APPEAL and appeal_filed_at is not None:
        # A supervisor's target: working hours, like the agents' targets.
        due = add_working_hours(appeal_filed_at, policy.ruling_sla_hours)
        return due, DeadlineKind.APPEAL_REVIEW
    return None, ""


def description_refusal(reason: str, description: str) -> str | None:
    """Why a case for `reason` cannot open with `description`, or None when it can.

    Asked by `case_create` (every way a case opens) and by the buyer's form
    for its field error; a description of only spaces counts as none.
    """
    if reason in DESCRIPTION_REQUIRED and not description.strip():
        return _("Describe the problem so the store can check it.")
    return None


def case_number(opened_at: datetime, serial: int) -> str:
    """A case number: D, the local opening date (yymmdd), eight digits."""
    return f"D{local_day(opened_at)}{serial:08d}"


def local_day(at: datetime) -> str:
    """yymmdd of `at` in the platform's time zone (the one in settings)."""
    day = at.astimezone(timezone.get_default_timezone())
    return f"{day.year % 100:02d}{day.month:02d}{day.day:02d}"


def refund_key(number: str, version: int, label: str) -> str:
    """The idempotency key of a refund: one per case version and purpose."""
    return f"{number}:{version}:{label}"


def auto_refund_amount(claimed: Decimal, refundable: Decimal) -> Decimal:
    """A silent merchant's case refunds the claim, capped by what is left."""
    return min(claimed, refundable)


def overturn_money(
    *, outcome: str, awarded: Decimal, refunded: Decimal
) -> tuple[Decimal, Decimal]:
    """(refund to the buyer, platform compensation to the merchant) of an overturn.

    A larger buyer amount refunds the difference; a merchant win after a
    refund claws nothing back: the platform compensates the merchant.
    """
    if outcome == Outcome.BUYER and awarded > refunded:
        return awarded - refunded, ZERO
    if outcome == Outcome.MERCHANT and refunded > 0:
        return ZERO, refunded
    return ZERO, ZERO


# Timeline wording written by the services (in the active language).
def decision_note(code: str, version: int, reasoning: str) -> str:
    """A ruling's or appeal decision's timeline note: the reasoning. The cited
    rule version is recorded on the ruling and shown as a link to its page,
    never as a raw code in the text."""
    return reasoning


def silent_merchant_note() -> str:
    return _("The merchant did not answer in time.")
