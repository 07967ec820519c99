"""Money: every refund and compensation goes through refund_create."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core.errors import ValidationFailed

from .models import Order, Refund, RefundKind


@transaction.atomic
def refund_create(
    *,
    order: Order,
    amount: Decimal,
    idempotency_key: str,
    kind: str = RefundKind.REFUND,
    dispute: object | None = None,
    note: str = "",
) -> Refund:
    """Record a refund once per key; refunds to the buyer never exceed the total."""
    existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if amount is None or amount <= 0:
        raise ValidationFailed(
            _("A refund must be more than zero."), errors={"amount": [str(amount)]}
        )
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if kind == RefundKind.REFUND:
        if amount > locked.refundable:
            raise ValidationFailed(
                _("Refunds would exceed the order total: at most ¥%(max)s is left.")
                % {"max": locked.refundable},
                errors={"amount": [_("At most %(max)s.") % {"max": locked.refundable}]},
            )
        Order.objects.filter(pk=locked.pk).update(
            refunded_amount=F("refunded_amount") + amount
        )
        order.refunded_amount = locked.refunded_amount + amount
    return Refund.objects.create(
        order=locked,
        dispute=dispute,
        amount=amount,
        kind=kind,
        idempotency_key=idempotency_key,
        note=note[:200],
    )
