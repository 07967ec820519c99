"""Pure case rules shared by the services and the demo's bulk builder.

No database, no clock, no settings, no translation: each function computes
one fact from its arguments (the caller passes the time zone, the working
calendar and the time), so the services (one case at a time, under row
locks) and the bulk seeder (a million cases at once) cannot disagree about
deadlines, money or numbering.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import NamedTuple, Protocol

from core.workcalendar import WorkingHours, add_working_hours

from .choices import DeadlineKind, MerchantResponse, Outcome, ReturnStep, State
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
    return_step: str
    step_due_at: datetime | None


class Deadline(NamedTuple):
    """One deadline running on a case."""

    at: datetime
    kind: str  # a DeadlineKind


def running_deadlines(
    case: CaseClock,
    policy: Policy,
    *,
    appeal_filed_at: datetime | None,
    target: tuple[str, datetime] | None,
    now: datetime,
    calendar: WorkingHours,
) -> list[Deadline]:
    """Every deadline running on the case now, the one that governs first.

    The merchant's response deadline while they have not answered; the
    agents' current service-level target (`target`: kind, due, counted on the
    working calendar by `disputes.sla`) and, while it lies ahead of `now`, the
    evidence deadline (it governs verification, the target governs
    mediation); the appeal window of a ruling; the supervisor's appeal
    review, working hours on `calendar` from the filing. The case stores the
    first as `deadline_at`; the workbench's case page lists them all.
    """
    state = case.state
    if state == State.NEGOTIATION:
        waiting = case.merchant_response == MerchantResponse.NONE
        return _if_set(
            case.merchant_deadline_at if waiting else None,
            DeadlineKind.MERCHANT_RESPONSE,
        )
    if state == State.RULED:
        return _if_set(case.appeal_deadline_at, DeadlineKind.APPEAL_WINDOW)
    if state == State.RETURNING:
        # The goods step governs; a ruling's appeal window may still run.
        running = _if_set(case.step_due_at, STEP_DEADLINES.get(case.return_step, ""))
        window = case.appeal_deadline_at
        if appeal_filed_at is None and window is not None and window > now:
            running += [Deadline(window, DeadlineKind.APPEAL_WINDOW)]
        return sorted(running, key=lambda d: d.at)
    if state == State.APPEAL:
        # A supervisor's target: working hours, like the agents' targets.
        due = appeal_filed_at and add_working_hours(
            appeal_filed_at, policy.ruling_sla_hours, calendar=calendar
        )
        return _if_set(due, DeadlineKind.APPEAL_REVIEW)
    running = [Deadline(target[1], target[0])] if target else []
    evidence = case.evidence_deadline_at
    if state in (State.VERIFICATION, State.MEDIATION) and evidence and evidence > now:
        at = 0 if state == State.VERIFICATION else len(running)
        running.insert(at, Deadline(evidence, DeadlineKind.EVIDENCE))
    return running


# The deadline of each goods step (DESIGN.md "Goods as well as money").
STEP_DEADLINES: dict[str, str] = {
    ReturnStep.AWAITING_RETURN: DeadlineKind.RETURN_SHIPMENT,
    ReturnStep.RETURN_IN_TRANSIT: DeadlineKind.RETURN_RECEIPT,
    ReturnStep.AWAITING_REPLACEMENT: DeadlineKind.REPLACEMENT_SHIPMENT,
    ReturnStep.REPLACEMENT_IN_TRANSIT: DeadlineKind.REPLACEMENT_RECEIPT,
}


def step_due(
    step: str,
    policy: Policy,
    *,
    started: datetime,
    delivered_at: datetime | None = None,
) -> datetime | None:
    """When the goods step `step`, begun at `started`, is due.

    The buyer ships a return within `return_ship`; the merchant confirms or
    refuses within `return_confirm` of the shipment, or within
    `return_confirm_after_delivery` of the carrier's delivery report when
    that comes first; the merchant ships a replacement within
    `replacement_ship`; the buyer confirms it within `replacement_confirm`
    of its shipment.
    """
    if step == ReturnStep.AWAITING_RETURN:
        return started + policy.return_ship
    if step == ReturnStep.RETURN_IN_TRANSIT:
        due = started + policy.return_confirm
        if delivered_at is not None:
            due = min(due, delivered_at + policy.return_confirm_after_delivery)
        return due
    if step == ReturnStep.AWAITING_REPLACEMENT:
        return started + policy.replacement_ship
    if step == ReturnStep.REPLACEMENT_IN_TRANSIT:
        return started + policy.replacement_confirm
    return None


def warn_point(started: datetime, due: datetime) -> datetime:
    """80 % of the way from `started` to `due`: when the warning goes out."""
    return started + (due - started) * 0.8


def no_reason_until(delivered_at: datetime, policy: Policy, *, tz: tzinfo) -> datetime:
    """The end of a 七天无理由 window: `no_reason_hours` counted from 00:00
    (in the platform's time zone `tz`) of the day after the parcel was signed for."""
    local = delivered_at.astimezone(tz)
    next_midnight = datetime.combine(
        local.date() + timedelta(days=1), time(0, 0), tzinfo=tz
    )
    return next_midnight + policy.no_reason_window


def _if_set(at: datetime | None, kind: str) -> list[Deadline]:
    return [] if at is None else [Deadline(at, kind)]


def governing(running: list[Deadline]) -> tuple[datetime | None, str]:
    """(deadline_at, deadline_kind) of the case: the first running deadline."""
    return (running[0].at, running[0].kind) if running else (None, "")


def deadline_for(
    case: CaseClock,
    policy: Policy,
    *,
    appeal_filed_at: datetime | None,
    target: tuple[str, datetime] | None,
    now: datetime,
    calendar: WorkingHours,
) -> tuple[datetime | None, str]:
    """(deadline_at, deadline_kind) that govern the case's current state."""
    return governing(
        running_deadlines(
            case,
            policy,
            appeal_filed_at=appeal_filed_at,
            target=target,
            now=now,
            calendar=calendar,
        )
    )


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
