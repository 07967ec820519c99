"""The goods leg of a case (`returning`): parcels, receipts, refusals, and
the deadlines that apply themselves (DESIGN.md "Goods as well as money").

The money follows the goods: a return's refund is held (`Dispute.held_amount`)
from the decision until the merchant confirms receipt (or is taken to), and
is paid once (`pay_held`). A failed goods leg (returned goods refused, no
replacement sent) goes to the platform once and is decided in money.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ValidationFailed
from orders.carriers import (
    Carrier,
    normalize_tracking_number,
    tracking_number_refusal,
)

from ..actions import ActionName, EventKindName
from ..choices import (
    Direction,
    ParcelStatus,
    Party,
    ReturnRefusal,
    ReturnStep,
    State,
)
from ..models import Appeal, Dispute, Evidence, LogisticsEvent, Shipment
from ..policy import case_policy
from ..rules_pure import step_due, warn_point
from ._core import case_action, limit_text, pay_held, refresh_deadline
from .timeline import timeline_write


def check_waybill(carrier: str, tracking_number: str) -> str:
    """The normalized tracking number; a field error when it is not one of
    `carrier`'s (`orders.carriers` holds the formats)."""
    refusal = tracking_number_refusal(carrier, tracking_number)
    if refusal:
        field = "carrier" if carrier not in Carrier.values else "tracking_number"
        raise ValidationFailed(refusal, errors={field: [refusal]})
    return normalize_tracking_number(tracking_number)


def parcel_note(shipment: Shipment) -> str:
    """How the timeline names a parcel: carrier and tracking number."""
    return f"{Carrier(shipment.carrier).label} {shipment.tracking_number}"


def _ship(
    step_case: Dispute, actor: User, direction: str, carrier: str, number: str
) -> Shipment:
    step_case.has_parcels = True  # saved with the step (`case_action`)
    return Shipment.objects.create(
        dispute=step_case,
        direction=direction,
        carrier=carrier,
        tracking_number=number,
        shipped_by=actor,
        shipped_at=timezone.now(),
    )


def dispute_ship_return(
    *,
    dispute: Dispute,
    actor: User,
    carrier: Carrier,
    tracking_number: str,
    expected_version: int | None = None,
) -> Dispute:
    """The buyer sends the goods back with a carrier's tracking number."""
    number = check_waybill(carrier, tracking_number)
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.SHIP_RETURN,
        expected_version=expected_version,
    ) as step:
        step.case.ship_return()
        shipment = _ship(step.case, actor, Direction.RETURN, carrier, number)
        step.log(note=parcel_note(shipment))
    return step.case


def dispute_confirm_return(
    *, dispute: Dispute, actor: User, expected_version: int | None = None
) -> Dispute:
    """The merchant confirms the goods came back: a return's held refund is
    paid; an exchange moves on to the replacement."""
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.CONFIRM_RETURN,
        expected_version=expected_version,
    ) as step:
        step.case.confirm_return()
        paid = _settle_goods(step.case, label=ActionName.CONFIRM_RETURN)
        step.log(amount=paid)
    return step.case


def _settle_goods(case: Dispute, *, label: str) -> Decimal | None:
    """Pay the held refund when the goods leg has ended well."""
    if case.return_step:
        return None
    return pay_held(case, label=label)


def dispute_refuse_return(
    *,
    dispute: Dispute,
    actor: User,
    preset: ReturnRefusal,
    reason: str = "",
    expected_version: int | None = None,
) -> Dispute:
    """The merchant refuses the returned goods, with a reason and evidence of
    what arrived: the platform decides (never a second goods leg)."""
    details = limit_text(reason, field="reason", most=2000)
    if preset == ReturnRefusal.OTHER and not details:
        raise ValidationFailed(
            _("Say why you refuse the goods."),
            errors={"reason": [_("This field is required.")]},
        )
    text = "：".join(p for p in (str(ReturnRefusal(preset).label), details) if p)
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.REFUSE_RETURN,
        expected_version=expected_version,
    ) as step:
        case = step.case
        _require_receipt_evidence(case)
        case.refuse_return()
        if case.state == State.APPEAL:
            _appeal_for_goods(case, appellant=actor, party=Party.MERCHANT, text=text)
        step.log(note=text)
    return case


def _require_receipt_evidence(case: Dispute) -> None:
    shipped = (
        Shipment.objects.filter(dispute=case, direction=Direction.RETURN)
        .values_list("shipped_at", flat=True)
        .first()
    )
    evidence = Evidence.objects.filter(dispute=case, party=Party.MERCHANT)
    if shipped is not None:
        evidence = evidence.filter(created_at__gte=shipped)
    if not evidence.exists():
        message = _(
            "Upload photos or a video of what arrived before refusing the "
            "returned goods: the platform decides on the evidence."
        )
        raise ValidationFailed(message, errors={"evidence": [message]})


def _appeal_for_goods(
    case: Dispute, *, appellant: User, party: str, text: str
) -> Appeal:
    """The supervisor's record of a ruled case whose goods leg failed: a new
    appeal, or the case's decided appeal opened again (the earlier decision
    stays on the timeline)."""
    appeal, created = Appeal.objects.get_or_create(
        dispute=case,
        defaults={"appellant": appellant, "party": party, "reason": text},
    )
    if not created:
        appeal.appellant, appeal.party, appeal.reason = appellant, party, text
        appeal.filed_at = timezone.now()
        appeal.decision = appeal.outcome = appeal.liability = appeal.reasoning = ""
        appeal.decided_by = None
        appeal.decided_at = None
        appeal.save()
    return appeal


def dispute_ship_replacement(
    *,
    dispute: Dispute,
    actor: User,
    carrier: Carrier,
    tracking_number: str,
    expected_version: int | None = None,
) -> Dispute:
    """The merchant sends the replacement (exchange) or the missing parts (resend)."""
    number = check_waybill(carrier, tracking_number)
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.SHIP_REPLACEMENT,
        expected_version=expected_version,
    ) as step:
        step.case.ship_replacement()
        shipment = _ship(step.case, actor, Direction.REPLACEMENT, carrier, number)
        step.log(note=parcel_note(shipment))
    return step.case


def dispute_confirm_replacement(
    *, dispute: Dispute, actor: User, expected_version: int | None = None
) -> Dispute:
    """The buyer confirms the replacement arrived: the case settles."""
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.CONFIRM_REPLACEMENT,
        expected_version=expected_version,
    ) as step:
        step.case.confirm_replacement()
        step.log(amount=_settle_goods(step.case, label=ActionName.CONFIRM_REPLACEMENT))
    return step.case


# The deadline of each step applies itself (`apply_due_deadlines`).
STEP_ACTIONS = {
    ReturnStep.AWAITING_RETURN: ActionName.LAPSE_RETURN,
    ReturnStep.RETURN_IN_TRANSIT: ActionName.AUTO_CONFIRM_RETURN,
    ReturnStep.AWAITING_REPLACEMENT: ActionName.REPLACEMENT_OVERDUE,
    ReturnStep.REPLACEMENT_IN_TRANSIT: ActionName.AUTO_CONFIRM_REPLACEMENT,
}


AUTO_CONFIRMS = (ActionName.AUTO_CONFIRM_RETURN, ActionName.AUTO_CONFIRM_REPLACEMENT)


def _step_note(action: ActionName) -> str:
    notes = {
        ActionName.LAPSE_RETURN: _(
            "The goods were not sent back in time; the case closes without a refund."
        ),
        ActionName.AUTO_CONFIRM_RETURN: _(
            "The store neither confirmed nor refused the returned goods in time; "
            "they are taken as received."
        ),
        ActionName.REPLACEMENT_OVERDUE: _(
            "The store did not send the replacement in time; the platform decides."
        ),
        ActionName.AUTO_CONFIRM_REPLACEMENT: _(
            "The buyer did not confirm the replacement in time; it is taken as "
            "received."
        ),
    }
    return str(notes[action])


def dispute_goods_deadline(*, dispute: Dispute) -> Dispute:
    """The goods step's deadline passed: apply what the policy says."""
    action = STEP_ACTIONS[ReturnStep(dispute.return_step)]
    with case_action(dispute=dispute, actor=None, action=action) as step:
        case = step.case
        getattr(case, action)()
        paid = None
        if action in (
            ActionName.AUTO_CONFIRM_RETURN,
            ActionName.AUTO_CONFIRM_REPLACEMENT,
        ):
            paid = _settle_goods(case, label=action)
        if case.state == State.APPEAL:
            _appeal_for_goods(
                case, appellant=case.buyer, party=Party.BUYER, text=_step_note(action)
            )
        step.log(note=_step_note(action), amount=paid)
    return case


@transaction.atomic
def dispute_goods_warn(*, case: Dispute) -> None:
    """80 % of the goods step's time has passed: warn (once per step)."""
    case.step_warned_at = timezone.now()
    case.save(update_fields=["step_warned_at", "updated_at"])
    due = timezone.localtime(case.step_due_at).strftime("%Y-%m-%d %H:%M")
    note = _("%(step)s: due %(due)s.") % {
        "step": ReturnStep(case.return_step).label,
        "due": due,
    }
    timeline_write(case=case, action=EventKindName.GOODS_WARNING, actor=None, note=note)


def logistics_event_record(
    *,
    carrier: str,
    tracking_number: str,
    status: ParcelStatus,
    at: datetime,
    event_id: str = "",
) -> tuple[LogisticsEvent, bool]:
    """Record a tracking service's report about a parcel, once per event.

    The event is keyed by `event_id` when the service sends one, otherwise by
    carrier, number, status and time. The parcel of an open case is marked
    in transit or delivered; a delivered return starts the merchant's 48-hour
    clock (`Policy.return_confirm_after_delivery`). Returns the event and
    whether it was new.
    """
    number = normalize_tracking_number(tracking_number)
    key = (event_id.strip() or f"{carrier}:{number}:{status}:{at.isoformat()}")[:120]
    existing = LogisticsEvent.objects.filter(event_key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            shipment = (
                Shipment.objects.filter(carrier=carrier, tracking_number=number)
                .order_by("-shipped_at", "-id")
                .first()
            )
            if shipment is not None:
                _mark_parcel(shipment, status, at)
            event = LogisticsEvent.objects.create(
                event_key=key,
                carrier=carrier,
                tracking_number=number,
                status=status,
                at=at,
                shipment=shipment,
            )
    except IntegrityError:  # the same event, sent twice at once: the other won
        return LogisticsEvent.objects.get(event_key=key), False
    return event, True


def _mark_parcel(shipment: Shipment, status: str, at: datetime) -> None:
    case = (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("store__category", "order")
        .get(pk=shipment.dispute_id)
    )
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if status == ParcelStatus.IN_TRANSIT:
        if shipment.in_transit_at is not None:
            return
        shipment.in_transit_at = at
        note = _("%(parcel)s: picked up by the carrier.")
    else:
        if shipment.delivered_at is not None:
            return
        shipment.delivered_at = at
        note = _("%(parcel)s: delivered.")
    shipment.save(update_fields=["in_transit_at", "delivered_at"])
    if (
        status == ParcelStatus.DELIVERED
        and case.state == State.RETURNING
        and case.return_step == ReturnStep.RETURN_IN_TRANSIT
        and shipment.direction == Direction.RETURN
    ):
        _delivery_clock(case, shipment)
    if case.is_open:
        timeline_write(
            case=case,
            action=EventKindName.LOGISTICS,
            actor=None,
            note=note % {"parcel": parcel_note(shipment)},
        )


def _delivery_clock(case: Dispute, shipment: Shipment) -> None:
    """A delivered return: the merchant confirms or refuses within 48 hours of
    delivery when that comes before 7 days of the shipment."""
    policy = case_policy(case)
    due = step_due(
        case.return_step,
        policy,
        started=shipment.shipped_at,
        delivered_at=shipment.delivered_at,
    )
    if due is None or (case.step_due_at is not None and due >= case.step_due_at):
        return
    case.step_due_at = due
    case.step_warn_at = warn_point(shipment.delivered_at or due, due)
    refresh_deadline(case, policy)
    case.version += 1
    case.save(
        update_fields=[
            "step_due_at",
            "step_warn_at",
            "deadline_at",
            "deadline_kind",
            "version",
            "updated_at",
        ]
    )
