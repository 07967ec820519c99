"""Deadlines that enforce themselves: run by `manage.py apply_deadlines`."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError

from ..choices import MerchantResponse, RequestStatus, State
from ..models import Dispute, DisputeEvent, EvidenceRequest
from ..policy import policy_for
from ._core import refund, run_action
from .events import event_publish


def dispute_handle_silent_merchant(*, dispute: Dispute | str) -> Dispute:
    """The merchant stayed silent past the deadline: escalate or auto-refund."""
    case = (
        dispute if isinstance(dispute, Dispute) else Dispute.objects.get(number=dispute)
    )
    policy = policy_for(case.store.category)
    if policy.silent_merchant_action == "auto_refund":
        extra: dict = {}

        def apply(locked: Dispute) -> None:
            locked.auto_refund()
            amount = min(locked.amount, locked.order.refundable)
            if amount > 0:
                refund(locked, amount, label="auto_refund")
                extra["amount"] = amount

        return run_action(
            dispute=case,
            actor=None,
            action="auto_refund",
            apply=apply,
            note=_("The merchant did not answer in time."),
            event_extra=extra,
        )
    return run_action(
        dispute=case,
        actor=None,
        action="auto_escalate",
        apply=lambda locked: locked.auto_escalate(),
        note=_("The merchant did not answer in time."),
    )


def dispute_close_ruled(*, dispute: Dispute | str) -> Dispute:
    """The appeal window passed: the ruling becomes final."""
    return run_action(
        dispute=dispute, actor=None, action="close", apply=lambda c: c.close()
    )


@transaction.atomic
def evidence_request_expire(*, request: EvidenceRequest) -> bool:
    """Mark an unanswered evidence request as timed out, on the timeline."""
    locked = (
        EvidenceRequest.objects.select_for_update(skip_locked=True)
        .filter(pk=request.pk, status=RequestStatus.OPEN, due_at__lte=timezone.now())
        .first()
    )
    if locked is None:
        return False
    locked.status = RequestStatus.TIMED_OUT
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    case = locked.dispute
    event = DisputeEvent.objects.create(
        dispute=case,
        actor_role="system",
        action="evidence_timeout",
        from_state=case.state,
        to_state=case.state,
        note=locked.what,
        evidence_request=locked,
    )
    event_publish(case=case, event=event)
    return True


def _due(kind: str, now) -> Q:
    if kind == "silent":
        return Q(
            state=State.NEGOTIATION,
            merchant_response=MerchantResponse.NONE,
            merchant_deadline_at__lte=now,
        )
    return Q(state=State.RULED, appeal_deadline_at__lt=now)


def _apply_one(pk: int, kind: str, now) -> bool:
    with transaction.atomic():
        case = (
            Dispute.objects.select_for_update(skip_locked=True)
            .filter(_due(kind, now), pk=pk)
            .first()
        )
        if case is None:
            return False
        if kind == "silent":
            dispute_handle_silent_merchant(dispute=case)
        else:
            dispute_close_ruled(dispute=case)
    return True


def apply_due_deadlines(*, batch: int = 500) -> dict[str, int]:
    """Apply every due deadline once; safe to run on several machines at once."""
    now = timezone.now()
    done = {"silent": 0, "closed": 0, "evidence_timeouts": 0, "errors": 0}
    for kind, counter in (("silent", "silent"), ("appeal", "closed")):
        while True:
            ids = list(
                Dispute.objects.filter(_due(kind, now))
                .order_by("id")
                .values_list("id", flat=True)[:batch]
            )
            progressed = 0
            for pk in ids:
                try:
                    progressed += _apply_one(pk, kind, now)
                except ApplicationError:
                    done["errors"] += 1
            done[counter] += progressed
            if len(ids) < batch or not progressed:
                break
    for request in EvidenceRequest.objects.filter(
        status=RequestStatus.OPEN, due_at__lte=now
    ).select_related("dispute")[: settings.DISPUTE_DEADLINE_BATCH_LIMIT]:
        done["evidence_timeouts"] += evidence_request_expire(request=request)
    return done
