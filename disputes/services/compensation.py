"""Compensation beyond the refund (假一赔三 and similar rules).

A rule version may carry a compensation multiple and a minimum. A ruling for
the buyer under such a rule may award compensation: the multiple times the
refunded price, at least the minimum. It is its own money line, paid by the
merchant and recorded through `orders.services.refund_create` with the kind
`buyer_compensation`, so it never counts against the order's refund cap.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from orders.models import RefundKind
from orders.services import refund_create

from ..models import Dispute, PlatformRule, Ruling

ZERO = Decimal("0.00")


def check_compensation(*, rule: PlatformRule, outcome: str, wanted: bool) -> None:
    """Refuse compensation the cited rule does not provide, or a merchant win."""
    if not wanted:
        return
    if not rule.provides_compensation:
        raise ValidationFailed(
            _("The cited rule provides no compensation beyond the refund."),
            errors={"compensation": [_("Not provided by this rule.")]},
        )
    if outcome != "buyer":
        raise ValidationFailed(
            _("Compensation goes with a ruling for the buyer."),
            errors={"compensation": [_("Only for a buyer outcome.")]},
        )


def compensation_due(*, rule: PlatformRule, amount: Decimal, wanted: bool) -> Decimal:
    """The compensation a decision awards: the rule's, on the refunded price."""
    return rule.compensation_for(amount) if wanted else ZERO


def compensation_top_up(*, case: Dispute, amount: Decimal) -> None:
    """More compensation to the buyer after an appeal; the merchant pays it."""
    _pay_buyer(case, amount, "appeal_compensation")


def compensation_award(*, case: Dispute, ruling: Ruling) -> Decimal:
    """Record the compensation the ruling's rule provides; the merchant pays it."""
    amount = ruling.rule.compensation_for(ruling.amount)
    if amount <= ZERO:
        return ZERO
    ruling.compensation_amount = amount
    ruling.save(update_fields=["compensation_amount"])
    _pay_buyer(case, amount, "ruling_compensation")
    return amount


def _pay_buyer(case: Dispute, amount: Decimal, note: str) -> None:
    """The merchant pays the buyer compensation: its own money line, outside
    the order's refund cap, once per case and decision (`note`)."""
    refund_create(
        order=case.order,
        amount=amount,
        idempotency_key=f"{case.number}:{note}",
        kind=RefundKind.BUYER_COMPENSATION,
        dispute=case,
        note=note,
    )
