"""Deadlines that enforce themselves: run by `manage.py apply_deadlines`.

Each kind of deadline is a filter (which cases are due) and a service that
handles one locked case. The sweep finds due ids, then locks each case with
`SKIP LOCKED` and re-checks the filter, so several sweeps may run at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError

from .. import sla
from ..actions import ActionName, EntryName, EventKindName
from ..choices import (
    OPEN_STATES,
    DeadlineKind,
    MerchantResponse,
    Remedy,
    RequestStatus,
    State,
)
from ..models import Dispute, DisputeEvent, EvidenceRequest
from ..policy import Policy, case_policy
from ..rules_pure import auto_refund_amount
from ._core import case_action, refresh_deadline, refund
from .goods import dispute_goods_deadline, dispute_goods_warn
from .timeline import timeline_write


def silent_merchant_note() -> str:
    """The timeline note of a silent merchant's case (in the active language)."""
    return _("The merchant did not answer in time.")


def taken_as_accepted_note(remedy: str, held: Decimal | None) -> str:
    """The timeline note of a silent merchant's goods claim taken as accepted:
    what happens next, per remedy (in the active language)."""
    if remedy == Remedy.RESEND:
        return _(
            "The merchant did not answer in time; the resend is taken as agreed: "
            "the store sends the missing goods."
        )
    if remedy == Remedy.EXCHANGE:
        return _(
            "The merchant did not answer in time; the exchange is taken as agreed: "
            "the buyer sends the goods back, the store then sends the replacement."
        )
    if held:
        return _(
            "The merchant did not answer in time; the return is taken as agreed: "
            "the buyer sends the goods back and is refunded ¥%(amount)s once the "
            "store has them."
        ) % {"amount": held}
    return _(
        "The merchant did not answer in time; the return is taken as agreed: "
        "the buyer sends the goods back."
    )


def dispute_handle_silent_merchant(*, dispute: Dispute) -> Dispute:
    """The merchant stayed silent past the deadline: escalate, or (under the
    `auto_refund` policy) refund a money-only claim at once and take a claim
    that moves goods as accepted (`auto_accept`: the goods move first)."""
    policy = case_policy(dispute)
    if policy.silent_merchant_action == "auto_refund":
        if dispute.moves_goods:
            return _auto_accept(dispute)
        return _auto_refund(dispute)
    with case_action(
        dispute=dispute, actor=None, action=ActionName.AUTO_ESCALATE
    ) as step:
        step.case.auto_escalate()
        step.log(note=silent_merchant_note())
    return step.case


def _auto_accept(dispute: Dispute) -> Dispute:
    with case_action(
        dispute=dispute, actor=None, action=ActionName.AUTO_ACCEPT
    ) as step:
        case = step.case
        case.auto_accept()
        step.log(
            note=taken_as_accepted_note(case.remedy, case.held_amount),
            amount=case.held_amount,
        )
    return case


def _auto_refund(dispute: Dispute, note: str | None = None) -> Dispute:
    with case_action(
        dispute=dispute, actor=None, action=ActionName.AUTO_REFUND
    ) as step:
        case = step.case
        case.auto_refund()
        amount = auto_refund_amount(case.amount, case.order.refundable)
        if amount > 0:
            refund(case, amount, label=ActionName.AUTO_REFUND)
        step.log(
            note=note or silent_merchant_note(),
            amount=amount if amount > 0 else None,
        )
    return case


def small_claim_note(policy: Policy) -> str:
    """The timeline note of a small claim refunded at once (active language)."""
    return _(
        "A claim under ¥%(limit)s on an order not yet shipped is refunded at "
        "once (policy version %(version)s)."
    ) % {"limit": policy.auto_refund_unshipped_below, "version": policy.version}


def auto_refund_small_claim(dispute: Dispute, policy: Policy) -> Dispute:
    """Close a just-opened small claim on an unshipped order `auto_refunded`."""
    return _auto_refund(dispute, note=small_claim_note(policy))


def dispute_close_ruled(*, dispute: Dispute) -> Dispute:
    """The appeal window passed: the ruling becomes final."""
    with case_action(dispute=dispute, actor=None, action=ActionName.CLOSE) as step:
        step.case.close()
    return step.case


@transaction.atomic
def evidence_request_expire(*, request: EvidenceRequest) -> bool:
    """Mark an unanswered evidence request as timed out, on the timeline.

    Only while its case is open: closing a case closes its requests. The case
    row is locked first, as every case writer does; a busy case is skipped
    and its request expires on the next sweep.
    """
    case = (
        Dispute.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=request.dispute_id, state__in=OPEN_STATES)
        .first()
    )
    if case is None:
        return False
    locked = (
        EvidenceRequest.objects.select_for_update()
        .filter(pk=request.pk, status=RequestStatus.OPEN, due_at__lte=timezone.now())
        .first()
    )
    if locked is None:
        return False
    locked.status = RequestStatus.TIMED_OUT
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    timeline_write(
        case=case,
        action=EventKindName.EVIDENCE_TIMEOUT,
        actor=None,
        note=locked.what,
        evidence_request=locked,
    )
    return True


def _timeline(case: Dispute, action: EntryName, note: str, *, internal: bool) -> None:
    """Write a system entry on the case's timeline and publish it."""
    timeline_write(case=case, action=action, actor=None, note=note, internal=internal)


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _target_label(case: Dispute) -> str:
    kind = DeadlineKind.PICKUP if case.state == State.COMPLAINT else DeadlineKind.RULING
    return str(kind.label)


def sla_breach_mark(case: Dispute, now: datetime) -> tuple[list[str], str]:
    """Record a missed agent target on `case` in memory: the fields changed and
    the timeline note. The breach is dated when the target passed (not when
    the sweep noticed); the deadline worker and the demo seeder both use it."""
    fields = (
        ("pickup_breached_at", "pickup_warned_at")
        if case.state == State.COMPLAINT
        else ("ruling_breached_at", "ruling_warned_at")
    )
    breached, warned = fields
    setattr(case, breached, case.sla_due_at)
    if getattr(case, warned) is None:  # too late for a warning now
        setattr(case, warned, now)
    note = _("%(target)s missed: it was due %(due)s.") % {
        "target": _target_label(case),
        "due": _local(case.sla_due_at),
    }
    return [breached, warned], note


def sla_warning_mark(case: Dispute, now: datetime) -> tuple[list[str], str]:
    """Record on `case` in memory that 80 % of its agent target has passed:
    the field changed and the timeline note."""
    warned = "pickup_warned_at" if case.state == State.COMPLAINT else "ruling_warned_at"
    setattr(case, warned, now)
    note = _("%(target)s due soon: %(due)s.") % {
        "target": _target_label(case),
        "due": _local(case.sla_due_at),
    }
    return [warned], note


def dispute_sla_breach(*, case: Dispute) -> None:
    """Record a missed agent target on the (locked) case; it stays recorded."""
    fields, note = sla_breach_mark(case, timezone.now())
    case.save(update_fields=[*fields, "updated_at"])
    _timeline(case, EventKindName.SLA_BREACH, note, internal=True)


def dispute_sla_warn(*, case: Dispute) -> None:
    """Warn that 80 % of the current agent target has passed (once per target)."""
    fields, note = sla_warning_mark(case, timezone.now())
    case.save(update_fields=[*fields, "updated_at"])
    _timeline(case, EventKindName.SLA_WARNING, note, internal=True)


def dispute_evidence_deadline_pass(*, case: Dispute) -> None:
    """The case's evidence deadline passed: say so; the case goes on."""
    refresh_deadline(case, case_policy(case))
    case.save(update_fields=["deadline_at", "deadline_kind", "updated_at"])
    note = _(
        "The evidence deadline passed; the case goes on with the evidence at hand."
    )
    _timeline(case, EventKindName.EVIDENCE_DEADLINE, note, internal=False)


def dispute_sla_fill(*, case: Dispute) -> None:
    """Set the agent target on a case that has none (seeded or older rows)."""
    refresh_deadline(case, case_policy(case))
    case.save(
        update_fields=["sla_due_at", "sla_warn_at", "deadline_at", "deadline_kind"]
    )


def _evidence_deadline_due(now: datetime) -> Q:
    noted = DisputeEvent.objects.filter(
        dispute=OuterRef("pk"), action=EventKindName.EVIDENCE_DEADLINE
    )
    return Q(state__in=sla.RULING_STATES, evidence_deadline_at__lte=now) & ~Q(
        Exists(noted)
    )


@dataclass(frozen=True)
class Sweep:
    name: str
    due: Callable[[datetime], Q]
    handle: Callable[[Dispute], object]


# In order: targets first (so that the rest sees them), breaches before warnings.
SWEEPS = (
    Sweep(
        "targets_set",
        lambda now: sla.missing_target(),
        lambda c: dispute_sla_fill(case=c),
    ),
    Sweep(
        "silent",
        lambda now: Q(
            state=State.NEGOTIATION,
            merchant_response=MerchantResponse.NONE,
            merchant_deadline_at__lte=now,
        ),
        lambda c: dispute_handle_silent_merchant(dispute=c),
    ),
    Sweep(
        "closed",
        lambda now: Q(state=State.RULED, appeal_deadline_at__lt=now),
        lambda c: dispute_close_ruled(dispute=c),
    ),
    Sweep(
        "evidence_deadlines",
        _evidence_deadline_due,
        lambda c: dispute_evidence_deadline_pass(case=c),
    ),
    # Goods (docs/service-levels.md "Goods"): each step's deadline applies
    # itself; the 80 % warning goes out once per step.
    Sweep(
        "goods_due",
        lambda now: Q(state=State.RETURNING, step_due_at__lte=now),
        lambda c: dispute_goods_deadline(dispute=c),
    ),
    Sweep(
        "goods_warnings",
        lambda now: Q(
            state=State.RETURNING,
            step_warn_at__lte=now,
            step_warned_at__isnull=True,
            step_due_at__gt=now,
        ),
        lambda c: dispute_goods_warn(case=c),
    ),
    Sweep("sla_breaches", sla.breach_due, lambda c: dispute_sla_breach(case=c)),
    Sweep("sla_warnings", sla.warning_due, lambda c: dispute_sla_warn(case=c)),
)


def _apply_one(pk: int, sweep: Sweep, now: datetime) -> bool:
    with transaction.atomic():
        case = (
            Dispute.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("store__category")
            .filter(sweep.due(now), pk=pk)
            .first()
        )
        if case is None:
            return False
        sweep.handle(case)
    return True


def _run_sweep(sweep: Sweep, now: datetime, batch: int, done: dict[str, int]) -> None:
    while True:
        ids = list(
            Dispute.objects.filter(sweep.due(now))
            .order_by("id")
            .values_list("id", flat=True)[:batch]
        )
        progressed = 0
        for pk in ids:
            try:
                progressed += _apply_one(pk, sweep, now)
            except ApplicationError:
                done["errors"] += 1
        done[sweep.name] += progressed
        if len(ids) < batch or not progressed:
            return


def apply_due_deadlines(*, batch: int = 500) -> dict[str, int]:
    """Apply every due deadline once; safe to run on several machines at once."""
    now = timezone.now()
    done = {sweep.name: 0 for sweep in SWEEPS}
    done |= {"evidence_timeouts": 0, "errors": 0}
    for sweep in SWEEPS:
        _run_sweep(sweep, now, batch, done)
    for request in EvidenceRequest.objects.filter(
        status=RequestStatus.OPEN, due_at__lte=now, dispute__state__in=OPEN_STATES
    ).select_related("dispute")[: settings.DISPUTE_DEADLINE_BATCH_LIMIT]:
        done["evidence_timeouts"] += evidence_request_expire(request=request)
    return done
