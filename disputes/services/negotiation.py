"""Opening a case and the negotiation between buyer and merchant."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import (
    ActionNotPermitted,
    InvalidTransition,
    NotVisible,
    ValidationFailed,
)
from core.roles import Role, role_of
from orders.models import Order, OrderItem
from orders.selectors import visible_orders
from orders.services import check_refundable
from stores.governance import is_restricted, priority_reason

from ..actions import ActionName, EventKindName
from ..choices import (
    NO_AMOUNT_REMEDIES,
    NO_REASON_REMEDIES,
    OPEN_STATES,
    RETIRED_REASONS,
    Reason,
    RejectionPreset,
    Remedy,
)
from ..models import ClaimedItem, Dispute, new_case_number
from ..models.guards import small_unshipped_claim
from ..policy import (
    description_refusal,
    evidence_refusal,
    no_reason_refusal,
    order_open_refusal,
    resolve,
    version_in_force,
)
from ._core import (
    case_action,
    party_for,
    refresh_deadline,
    refund,
    require_positive,
    require_text,
)
from .deadlines import auto_refund_small_claim
from .records import EvidenceFile, claim_evidence_kinds, evidence_upload
from .timeline import timeline_write


def case_detail_errors(
    *, reason: str, remedy: str, amount: Decimal | None, description: str
) -> dict[str, list[str]]:
    """Field errors of a new case's details: {} when it may open with them."""
    errors: dict[str, list[str]] = {}
    if reason in RETIRED_REASONS:
        errors["reason"] = [
            _("Choose the problem; a return or an exchange is asked as the remedy.")
        ]
    elif reason not in Reason.values:
        errors["reason"] = [_("Choose the problem.")]
    if remedy not in Remedy.values:
        errors["remedy"] = [_("Choose the remedy.")]
    elif reason == Reason.NO_REASON and remedy not in NO_REASON_REMEDIES:
        errors["remedy"] = [
            _("A 7-day no-reason return asks for a return and refund or an exchange.")
        ]
    if remedy == Remedy.EXCHANGE:
        if amount:
            errors["amount"] = [_("An exchange carries no amount.")]
    elif remedy in NO_AMOUNT_REMEDIES:
        if amount is None or amount < 0:
            errors["amount"] = [_("Must be zero or more.")]
    elif amount is None or amount <= 0:
        errors["amount"] = [_("Must be more than zero.")]
    refusal = description_refusal(reason, description)
    if refusal:
        errors["description"] = [refusal]
    return errors


def check_openable(order: Order, amount: Decimal) -> None:
    """Refuse a case on an order that may not be disputed (now, for `amount`)."""
    refusal = order_open_refusal(
        order,
        has_open_case=Dispute.objects.filter(
            order=order, state__in=OPEN_STATES
        ).exists(),
        now=timezone.now(),
    )
    if refusal:
        raise InvalidTransition(refusal)
    check_refundable(order, amount)


def dispute_open(
    *,
    actor: User,
    order: Order,
    reason: Reason,
    remedy: Remedy,
    amount: Decimal,
    description: str = "",
    items: list[tuple[int, int]] | None = None,
    evidence: Sequence[EvidenceFile] = (),
) -> Dispute:
    """A buyer opens a case on an own, paid order inside the after-sales window.

    `items`: the (order item id, quantity) pairs the claim is about; the
    amount is then capped by them. `evidence`: the files that come with the
    claim (stored with the case, or nothing is when the policy requires kinds
    they do not cover).
    """
    if role_of(actor) != Role.BUYER:
        raise ActionNotPermitted(_("Only buyers open cases."))
    with transaction.atomic():
        locked = (
            visible_orders(actor, Order.objects.select_for_update(of=("self",)))
            .select_related("store__category")
            .filter(pk=order.pk)
            .first()
        )
        if locked is None:
            raise NotVisible(_("No such order."))
        return case_create(
            order=locked,
            actor=actor,
            reason=reason,
            remedy=remedy,
            amount=amount,
            description=description,
            items=items,
            evidence=evidence,
        )


def case_create(
    *,
    order: Order,
    actor: User,
    reason: str,
    remedy: str,
    amount: Decimal,
    description: str,
    channel: str = "",
    items: list[tuple[int, int]] | None = None,
    evidence: Sequence[EvidenceFile] = (),
) -> Dispute:
    """Open the buyer's case on `order` (locked by the caller) and log "open".

    The one place a case is created, whether the buyer opened it or an agent
    did on the buyer's behalf (then `actor` is the agent and the entry's
    subject is the buyer). The case records the policy version in force, whose
    terms it keeps to the end; the evidence that version requires for the
    reason is checked before anything is stored; a small claim on an unshipped
    order under the policy's threshold is refunded at once.
    """
    errors = case_detail_errors(
        reason=reason, remedy=remedy, amount=amount, description=description or ""
    )
    if errors:
        raise ValidationFailed(_("Check the case's details."), errors=errors)
    amount = amount or Decimal("0.00")
    check_openable(order, amount)
    now = timezone.now()
    if reason == Reason.NO_REASON:
        refusal = no_reason_refusal(order, now)
        if refusal:
            raise ValidationFailed(refusal, errors={"reason": [refusal]})
    claimed = claimed_items(order, items or [], amount=amount)
    version = version_in_force(now)
    policy = resolve(version, order.store.category.code, order.store.region)
    kinds = claim_evidence_kinds(evidence)
    refusal = evidence_refusal(policy, reason, [k for k in kinds if k])
    if refusal:
        raise ValidationFailed(refusal, errors={"evidence": [refusal]})
    on_behalf = actor.pk != order.buyer_id
    case: Dispute = Dispute(
        number=_unused_number(),
        order=order,
        buyer_id=order.buyer_id,
        store=order.store,
        reason=reason,
        remedy=remedy,
        amount=amount,
        description=(description or "").strip(),
        opened_at=now,
        merchant_deadline_at=now + policy.merchant_response,
        opened_by=actor if on_behalf else None,
        channel=channel,
        policy_version=version,
    )
    if is_restricted(order.store.tier):
        case.priority_queue, case.priority_tier = True, order.store.tier
    case.names_items = bool(claimed)
    refresh_deadline(case, policy)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:
        raise InvalidTransition(_("This order already has an open case.")) from exc
    for item in claimed:
        item.dispute = case
    ClaimedItem.objects.bulk_create(claimed)
    timeline_write(
        case=case,
        action=EventKindName.OPEN,
        actor=actor,
        from_state="",
        note=case.description,
        amount=amount or None,
        subject_id=order.buyer_id if on_behalf else None,
    )
    if case.priority_queue:
        timeline_write(
            case=case,
            action=EventKindName.PRIORITY_QUEUE,
            actor=None,
            note=priority_reason(case.priority_tier),
            internal=True,
        )
    for upload, kind in zip(evidence, kinds, strict=True):
        evidence_upload(
            dispute=case,
            actor=actor,
            file=upload.file,
            description=upload.note,
            kind=kind,
        )
    if small_unshipped_claim(case):
        case = auto_refund_small_claim(case, policy)
    return case


def claimed_items(
    order: Order, items: list[tuple[int, int]], *, amount: Decimal
) -> list[ClaimedItem]:
    """The (unsaved) claimed items of a claim on `order`: each an item of the
    order, 0 < quantity ≤ the quantity bought, each once; the claimed amount
    at most their price. Field errors under "items"."""
    if not items:
        return []
    lines = {item.pk: item for item in OrderItem.objects.filter(order=order)}
    errors: list[str] = []
    seen: set[int] = set()
    worth = Decimal("0.00")
    for pk, quantity in items:
        line = lines.get(pk)
        if line is None or pk in seen:
            errors.append(_("Choose items of this order, each once."))
            continue
        seen.add(pk)
        if not 0 < quantity <= line.quantity:
            errors.append(
                _("%(product)s: choose 1 to %(most)s.")
                % {"product": line.product_name, "most": line.quantity}
            )
            continue
        worth += line.unit_price * quantity
    if errors:
        raise ValidationFailed(_("Check the items."), errors={"items": errors})
    if amount > worth:
        message = _("The items chosen are worth ¥%(worth)s; claim at most that.") % {
            "worth": worth
        }
        raise ValidationFailed(message, errors={"amount": [message]})
    return [
        ClaimedItem(order_item=lines[pk], quantity=quantity) for pk, quantity in items
    ]


def _unused_number() -> str:
    for _attempt in range(5):
        number = new_case_number()
        if not Dispute.objects.filter(number=number).exists():
            return number
    raise RuntimeError("Could not find a free case number.")


def dispute_accept(
    *, dispute: Dispute, actor: User, expected_version: int | None = None
) -> Dispute:
    """The merchant accepts the claim: the claimed amount is refunded (held
    until the goods are back when the remedy moves goods)."""
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.ACCEPT,
        expected_version=expected_version,
    ) as step:
        step.case.accept()
        if not step.case.is_open:
            refund(step.case, step.case.amount, label=ActionName.ACCEPT)
    return step.case


def dispute_offer(
    *,
    dispute: Dispute,
    actor: User,
    amount: Decimal,
    note: str = "",
    expected_version: int | None = None,
) -> Dispute:
    """The merchant counter-offers: 0 < offer < claimed amount."""
    require_positive(amount)
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.OFFER,
        expected_version=expected_version,
    ) as step:
        case = step.case
        if amount >= case.amount:
            raise ValidationFailed(
                _("An offer must be less than the claimed ¥%(amount)s.")
                % {"amount": case.amount},
                errors={"amount": [_("Must be less than the claim.")]},
            )
        check_refundable(case.order, amount)
        case.offer(amount=amount, note=note.strip())
        step.log(note=note.strip(), amount=amount)
    return case


def dispute_accept_offer(
    *, dispute: Dispute, actor: User, expected_version: int | None = None
) -> Dispute:
    """The buyer accepts the counter-offer: the offer is refunded."""
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.ACCEPT_OFFER,
        expected_version=expected_version,
    ) as step:
        case = step.case
        case.accept_offer()
        assert case.offer_amount is not None  # the has_offer guard
        if not case.is_open:
            refund(case, case.offer_amount, label=ActionName.ACCEPT_OFFER)
    return case


def dispute_reject(
    *,
    dispute: Dispute,
    actor: User,
    reason: str = "",
    preset: RejectionPreset | None = None,
    expected_version: int | None = None,
) -> Dispute:
    """The merchant rejects the claim with a preset reason, free text, or both."""
    parts = [str(RejectionPreset(preset).label) if preset else "", reason.strip()]
    text = require_text(
        "：".join(p for p in parts if p), field="reason", label=_("A reason")
    )
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.REJECT,
        expected_version=expected_version,
    ) as step:
        step.case.reject(reason=text)
        step.log(note=text)
    return step.case


def dispute_request_intervention(
    *,
    dispute: Dispute,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
) -> Dispute:
    """Either party asks the platform to step in (the intervention event)."""
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.REQUEST_INTERVENTION,
        expected_version=expected_version,
    ) as step:
        step.case.request_intervention(party=party_for(step.case, actor))
        step.log(note=note.strip())
    return step.case


def dispute_withdraw(
    *,
    dispute: Dispute,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
) -> Dispute:
    """The buyer withdraws the case."""
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.WITHDRAW,
        expected_version=expected_version,
    ) as step:
        step.case.withdraw()
        step.log(note=note.strip())
    return step.case
