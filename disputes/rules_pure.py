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
from hashlib import sha256
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


def compensation_amount(
    price: Decimal, multiple: Decimal | None, minimum: Decimal | None
) -> Decimal:
    """Compensation beyond the refund (假一赔三): `multiple` times `price`, at
    least `minimum`; none without a multiple."""
    if not multiple:
        return ZERO
    amount = (price * multiple).quantize(Decimal("0.01"))
    return max(amount, minimum or ZERO)


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


# ---- Precedents: how similar a decided case is, and when a ruling departs ----

# A clear majority: at least this many similar cases, this share agreeing.
MAJORITY_MINIMUM = 5
MAJORITY_SHARE = (2, 3)  # two thirds, compared in whole numbers


class CaseFacts(NamedTuple):
    """What two cases are compared on (`disputes.precedents`)."""

    reason: str
    category_id: int | None
    share: Decimal  # claimed amount / order total, 0..1
    has_evidence: bool
    merchant_response: str  # a MerchantResponse
    text: float = 0.0  # description similarity to the case at hand, 0..1


class Majority(NamedTuple):
    outcome: str  # an Outcome
    share: Decimal  # agreeing / similar cases, rounded to 3 places
    cases: int  # similar cases counted


def precedent_rank(case: CaseFacts, other: CaseFacts) -> tuple[int, Decimal]:
    """(tier, closeness) of a decided case `other` to `case`; higher is closer.

    The tier orders first: same reason and category 3, same reason 2, same
    category 1, else 0. Within a tier, closeness (0..1) weighs the claimed
    share of the order (0.4, by the gap between the shares), evidence present
    or not (0.2), the merchant's answer (0.2) and the description's text
    similarity (0.2, `other.text`).
    """
    tier = 2 * (other.reason == case.reason) + (
        other.category_id is not None and other.category_id == case.category_id
    )
    gap = min(abs(case.share - other.share), Decimal(1))
    closeness = (
        Decimal("0.4") * (1 - gap)
        + Decimal("0.2") * (other.has_evidence == case.has_evidence)
        + Decimal("0.2") * (other.merchant_response == case.merchant_response)
        + Decimal("0.2") * Decimal(str(round(other.text, 3)))
    )
    return tier, closeness


def precedent_similarity(rank: tuple[int, Decimal]) -> Decimal:
    """One number 0..1 for a (tier, closeness): (tier + closeness) / 4."""
    tier, closeness = rank
    return ((tier + closeness) / 4).quantize(Decimal("0.001"))


def majority(outcomes: list[str]) -> Majority | None:
    """The clear majority of the similar cases' outcomes, or None: at least
    `MAJORITY_MINIMUM` cases, and at least two thirds of them agreeing."""
    if len(outcomes) < MAJORITY_MINIMUM:
        return None
    top = max(sorted(set(outcomes)), key=outcomes.count)
    agreeing = outcomes.count(top)
    above, below = MAJORITY_SHARE
    if agreeing * below < above * len(outcomes):
        return None
    share = Decimal(agreeing) / Decimal(len(outcomes))
    return Majority(top, share.quantize(Decimal("0.001")), len(outcomes))


def departs(found: Majority | None, outcome: str) -> bool:
    """A ruling for `outcome` departs from the clear majority `found`; it then
    needs a written departure reason."""
    return found is not None and outcome != found.outcome


# ---- Quality review: the weekly sample ----

QUALITY_SAMPLE_RATE = Decimal("0.05")  # at least this share of each agent's rulings
SECOND_REVIEW_EVERY = 5  # about one sampled review in five is reviewed twice, blind


def sample_size(rulings: int, rate: Decimal = QUALITY_SAMPLE_RATE) -> int:
    """How many of an agent's `rulings` in a week are sampled: at least `rate`
    of them (rounded up), so at least one when there is any."""
    if rulings <= 0:
        return 0
    whole = rate * rulings
    return int(whole) + (whole != int(whole))


def sample_key(week: str, ruling_id: int) -> str:
    """The order rulings are drawn in: a hash of the week and the ruling, so a
    rerun draws the same rulings and nobody can predict which."""
    return sha256(f"{week}:{ruling_id}".encode()).hexdigest()


def reviewed_twice(week: str, review_id: int) -> bool:
    """Whether a sampled review also gets a blind second review."""
    return int(sample_key(week, review_id), 16) % SECOND_REVIEW_EVERY == 0
