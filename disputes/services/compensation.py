"""Compensation beyond the refund (假一赔三 and similar rules).

A rule version may carry a compensation multiple and a minimum; on a
counterfeit claim the case's policy (the version recorded when it opened)
may set them too, and then governs (`disputes.policy.compensation_terms`:
the rule's value only where the policy leaves one unset). A ruling for the
buyer may award compensation: the multiple times the refunded price, at
least the minimum. It is its own money line, paid by the merchant and
recorded through `orders.services.refund_create` with the kind
`buyer_compensation`, so it never counts against the order's refund cap.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from orders.models import RefundKind
from orders.services import refund_create

from ..models import Dispute, PlatformRule, Ruling
from ..policy import compensation_terms
from ..rules_pure import compensation_amount

ZERO = Decimal("0.00")


def check_compensation(
    *,
    rule: PlatformRule,
    outcome: str,
    wanted: bool,
    case: Dispute | None = None,
) -> None:
    """Refuse compensation neither the case's policy nor the cited rule
    provides, or a merchant win. (`case` None: the rule's values alone.)"""
    if not wanted:
        return
    if not compensation_terms(case, rule).provided:
        raise ValidationFailed(
            _(
                "Neither this case's policy nor the cited rule provides "
                "compensation beyond the refund."
            ),
            errors={"compensation": [_("Not provided by this rule.")]},
        )
    if outcome != "buyer":
        raise ValidationFailed(
            _("Compensation goes with a ruling for the buyer."),
            errors={"compensation": [_("Only for a buyer outcome.")]},
        )


def compensation_due(
    *,
    rule: PlatformRule,
    amount: Decimal,
    wanted: bool,
    case: Dispute | None = None,
) -> Decimal:
    """The compensation a decision awards on the refunded price: the case's
    policy values, the rule's where it leaves one unset."""
    if not wanted:
        return ZERO
    terms = compensation_terms(case, rule)
    return compensation_amount(amount, terms.multiple.value, terms.minimum.value)


def compensation_top_up(*, case: Dispute, amount: Decimal) -> None:
    """More compensation to the buyer after an appeal; the merchant pays it."""
    _pay_buyer(case, amount, "appeal_compensation")


def compensation_award(*, case: Dispute, ruling: Ruling) -> Decimal:
    """Record the compensation the ruling awards (the case's policy values, the
    cited rule's where it leaves one unset); the merchant pays it."""
    amount = compensation_due(
        rule=ruling.rule, amount=ruling.amount, wanted=True, case=case
    )
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
