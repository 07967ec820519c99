"""Pure case rules shared by the services and the demo's bulk builder.

No database, no clock, no settings, no translation: each function computes
one fact from its arguments (the caller passes the time zone, the working
calendar and the time), so the services (one case at a time, under row
locks) and the bulk seeder (a million cases at once) cannot disagree about
deadlines, money or numbering.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal
from typing import NamedTuple, Protocol

from core.workcalendar import WorkingHours, add_working_hours

from .choices import DeadlineKind, MerchantResponse, Outcome, State
from .policy import Policy

ZERO = Decimal("0.00")

# The most an evidence file's description may say (Evidence.description).
EVIDENCE_DESCRIPTION_MAX = 500


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
    calendar: WorkingHours,
) -> tuple[datetime | None, str]:
    """(deadline_at, deadline_kind) that govern the case's current state.

    `target` is the agents' current service-level target (kind, due), counted
    on the working calendar by `disputes.sla`; an evidence deadline governs
    verification only while it lies ahead of `now`; the appeal review counts
    working hours on `calendar`.
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
        due = add_working_hours(
            appeal_filed_at, policy.ruling_sla_hours, calendar=calendar
        )
        return due, DeadlineKind.APPEAL_REVIEW
    return None, ""


def case_number(opened_at: datetime, serial: int, *, tz: tzinfo) -> str:
    """A case number: D, the local opening date (yymmdd), eight digits."""
    return f"D{local_day(opened_at, tz=tz)}{serial:08d}"


def local_day(at: datetime, *, tz: tzinfo) -> str:
    """yymmdd of `at` in the time zone `tz` (the platform's: TIME_ZONE)."""
    day = at.astimezone(tz)
    return f"{day.year % 100:02d}{day.month:02d}{day.day:02d}"


def refund_key(number: str, version: int, label: str) -> str:
    """The idempotency key of a refund: one per case version and purpose."""
    return f"{number}:{version}:{label}"


def auto_refund_amount(claimed: Decimal, refundable: Decimal) -> Decimal:
    """A silent merchant's case refunds the claim, capped by what is left."""
    return min(claimed, refundable)


class OverturnMoney(NamedTuple):
    """What an overturn moves, beyond what the ruling already paid."""

    refund: Decimal  # more refunded to the buyer, by the merchant
    buyer_compensation: Decimal  # more compensation to the buyer, by the merchant
    platform_compensation: Decimal  # to the merchant, from the platform


def overturn_money(
    *,
    outcome: str,
    awarded: Decimal,
    refunded: Decimal,
    compensation_due: Decimal = ZERO,
    compensation_paid: Decimal = ZERO,
) -> OverturnMoney:
    """The money of an overturn: the new decision (refund `awarded` and
    compensation `compensation_due` when the buyer wins) against what the
    ruling paid (`refunded`, `compensation_paid`).

    What the buyer is now owed beyond that, the merchant pays. Nothing is
    ever clawed back from the buyer: what the ruling paid beyond the new
    decision, the platform pays back to the merchant. So the merchant bears
    exactly the new decision, and the buyer never loses money on an appeal.
    """
    buyer_wins = outcome == Outcome.BUYER
    refund_due = awarded if buyer_wins else ZERO
    compensation_due = compensation_due if buyer_wins else ZERO
    return OverturnMoney(
        refund=max(refund_due - refunded, ZERO),
        buyer_compensation=max(compensation_due - compensation_paid, ZERO),
        platform_compensation=max(refunded - refund_due, ZERO)
        + max(compensation_paid - compensation_due, ZERO),
    )
