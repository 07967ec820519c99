"""Opening a case and the negotiation between buyer and merchant."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scoping import visible_orders
from core.errors import (
    ActionNotPermitted,
    InvalidTransition,
    NotVisible,
    ValidationFailed,
)
from core.roles import Role, role_of
from orders.models import Order

from ..choices import OPEN_STATES, Reason, Remedy, State
from ..models import Dispute, DisputeEvent, new_case_number
from ..policy import order_open_refusal, policy_for
from ._core import (
    parse_amount,
    party_for,
    refresh_deadline,
    refund,
    require_text,
    run_action,
)
from .events import event_publish


def _check_choice(value: str, choices: type, field: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(
            _("Choose a valid %(field)s.") % {"field": field},
            errors={
                field: [_("“%(value)s” is not a valid choice.") % {"value": value}]
            },
        )
    return value


def _check_openable(order: Order, amount: Decimal) -> None:
    refusal = order_open_refusal(
        order,
        has_open_case=Dispute.objects.filter(
            order=order, state__in=OPEN_STATES
        ).exists(),
        now=timezone.now(),
    )
    if refusal:
        raise InvalidTransition(refusal)
    if amount > order.refundable:
        raise ValidationFailed(
            _("You can claim at most ¥%(max)s on this order.")
            % {"max": order.refundable},
            errors={"amount": [_("At most %(max)s.") % {"max": order.refundable}]},
        )


def dispute_open(
    *,
    actor: User,
    order: Order | str,
    reason: str,
    remedy: str,
    amount: Decimal | str,
    description: str = "",
) -> Dispute:
    """A buyer opens a case on an own, paid order inside the after-sales window."""
    if role_of(actor) != Role.BUYER:
        raise ActionNotPermitted(_("Only buyers open cases."))
    _check_choice(reason, Reason, "reason")
    _check_choice(remedy, Remedy, "remedy")
    claimed = parse_amount(amount)
    with transaction.atomic():
        number = order.number if isinstance(order, Order) else order
        locked = (
            visible_orders(actor, Order.objects.select_for_update(of=("self",)))
            .select_related("store__category")
            .filter(number=number)
            .first()
        )
        if locked is None:
            raise NotVisible(_("No such order."))
        _check_openable(locked, claimed)
        policy = policy_for(locked.store.category)
        now = timezone.now()
        case = Dispute(
            number=_unused_number(),
            order=locked,
            buyer=actor,
            store=locked.store,
            reason=reason,
            remedy=remedy,
            amount=claimed,
            description=(description or "").strip(),
            opened_at=now,
            merchant_deadline_at=now + policy.merchant_response,
        )
        refresh_deadline(case, policy)
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError as exc:
            raise InvalidTransition(_("This order already has an open case.")) from exc
        event = DisputeEvent.objects.create(
            dispute=case,
            actor=actor,
            actor_role=Role.BUYER,
            action="open",
            to_state=State.NEGOTIATION,
            note=case.description,
            amount=claimed,
        )
        event_publish(case=case, event=event)
    return case


def _unused_number() -> str:
    for _attempt in range(5):
        number = new_case_number()
        if not Dispute.objects.filter(number=number).exists():
            return number
    raise RuntimeError("Could not find a free case number.")


def dispute_accept(*, dispute: Dispute | str, actor: User, **kw) -> Dispute:
    """The merchant accepts the claim: the claimed amount is refunded."""

    def apply(case: Dispute) -> None:
        case.accept()
        refund(case, case.amount, label="accept")

    return run_action(dispute=dispute, actor=actor, action="accept", apply=apply, **kw)


def dispute_offer(
    *, dispute: Dispute | str, actor: User, amount: Decimal | str, note: str = "", **kw
) -> Dispute:
    """The merchant counter-offers: 0 < offer < claimed amount."""
    offered = parse_amount(amount)

    def apply(case: Dispute) -> None:
        if offered >= case.amount:
            raise ValidationFailed(
                _("An offer must be less than the claimed ¥%(amount)s.")
                % {"amount": case.amount},
                errors={"amount": [_("Must be less than the claim.")]},
            )
        if offered > case.order.refundable:
            raise ValidationFailed(
                _("At most ¥%(max)s can still be refunded on this order.")
                % {"max": case.order.refundable},
                errors={"amount": [_("Too large.")]},
            )
        case.offer(amount=offered, note=(note or "").strip())

    return run_action(
        dispute=dispute,
        actor=actor,
        action="offer",
        apply=apply,
        note=note,
        amount=offered,
        **kw,
    )


def dispute_accept_offer(*, dispute: Dispute | str, actor: User, **kw) -> Dispute:
    """The buyer accepts the counter-offer: the offer is refunded."""

    def apply(case: Dispute) -> None:
        case.accept_offer()
        refund(case, case.offer_amount, label="accept_offer")

    return run_action(
        dispute=dispute, actor=actor, action="accept_offer", apply=apply, **kw
    )


def dispute_reject(
    *, dispute: Dispute | str, actor: User, reason: str, **kw
) -> Dispute:
    """The merchant rejects the claim with a reason."""
    text = require_text(reason, field="reason", label=_("A reason"))
    return run_action(
        dispute=dispute,
        actor=actor,
        action="reject",
        apply=lambda case: case.reject(reason=text),
        note=text,
        **kw,
    )


def dispute_request_intervention(
    *, dispute: Dispute | str, actor: User, note: str = "", **kw
) -> Dispute:
    """Either party asks the platform to step in (the intervention event)."""

    def apply(case: Dispute) -> None:
        case.request_intervention(party=party_for(case, actor))

    return run_action(
        dispute=dispute,
        actor=actor,
        action="request_intervention",
        apply=apply,
        note=(note or "").strip(),
        **kw,
    )


def dispute_withdraw(
    *, dispute: Dispute | str, actor: User, note: str = "", **kw
) -> Dispute:
    """The buyer withdraws the case."""
    return run_action(
        dispute=dispute,
        actor=actor,
        action="withdraw",
        apply=lambda case: case.withdraw(),
        note=(note or "").strip(),
        **kw,
    )
