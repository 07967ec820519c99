"""Order writes: refunds (the only way money moves) and the shop platform's import."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import (
    ActionNotPermitted,
    ConcurrentChange,
    InvalidTransition,
    ValidationFailed,
)
from stores.models import Store

from .models import Order, OrderItem, Refund, RefundKind

if TYPE_CHECKING:  # a refund may name its case; orders never imports disputes
    from disputes.models import Dispute

UPDATABLE = ("total", "status", "placed_at", "paid_at", "shipped_at", "delivered_at")
TIMES = ("placed_at", "paid_at", "shipped_at", "delivered_at")
# An imported order's times lie between the shop platform's first year and
# now, give or take a clock or time zone set a little wrong.
ORDERS_SINCE = datetime(2000, 1, 1, tzinfo=UTC)
CLOCK_TOLERANCE = timedelta(days=1)


def check_refundable(order: Order, amount: Decimal, *, field: str = "amount") -> None:
    """Refuse `amount` when it would take refunds above the order total.

    The one refund-cap check, asked wherever an amount is set (claim, offer,
    proposal, ruling) and again by `refund_create` on the locked order; the
    database constraint on `Order.refunded_amount` stands behind it.
    """
    if not order.can_refund(amount):
        raise ValidationFailed(
            _("At most ¥%(max)s can still be refunded on this order.")
            % {"max": order.refundable},
            errors={field: [_("At most %(max)s.") % {"max": order.refundable}]},
        )


@transaction.atomic
def refund_create(
    *,
    order: Order,
    amount: Decimal,
    idempotency_key: str,
    kind: str = RefundKind.REFUND,
    dispute: Dispute | None = None,
    note: str = "",
) -> Refund:
    """Record one movement of money (`kind`: a refund or a compensation) once
    per key; refunds to the buyer never exceed the order's total."""
    existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if amount is None or amount <= 0:
        raise ValidationFailed(
            _("A refund must be more than zero."), errors={"amount": [str(amount)]}
        )
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if kind == RefundKind.REFUND:
        check_refundable(locked, amount)
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


Row = dict[str, Any]


def _resolve(rows: list[Row]) -> tuple[dict[str, User], dict[int, Store]]:
    users = {
        u.username: u
        for u in User.objects.filter(username__in={r["buyer"] for r in rows})
    }
    stores = {s.pk: s for s in Store.objects.filter(pk__in={r["store"] for r in rows})}
    errors = {}
    for i, row in enumerate(rows):
        if row["buyer"] not in users:
            errors[f"orders.{i}.buyer"] = [_("No such user.")]
        if row["store"] not in stores:
            errors[f"orders.{i}.store"] = [_("No such store.")]
    if len({r["number"] for r in rows}) != len(rows):
        errors["orders"] = [_("Each order number may appear once per batch.")]
    errors |= _time_errors(rows)
    if errors:
        raise ValidationFailed(_("Check the orders."), errors=errors)
    return users, stores


def _time_errors(rows: list[Row]) -> dict[str, list[str]]:
    """Times outside ORDERS_SINCE..now (+ tolerance), or before the placing."""
    latest = timezone.now() + CLOCK_TOLERANCE
    errors = {}
    for i, row in enumerate(rows):
        placed = row.get("placed_at")
        for name in TIMES:
            moment = row.get(name)
            if moment is None:
                continue
            if not ORDERS_SINCE <= moment <= latest:
                errors[f"orders.{i}.{name}"] = [
                    _("Enter a time from %(first)s up to now.")
                    % {"first": ORDERS_SINCE.date().isoformat()}
                ]
            elif placed is not None and moment < placed:
                errors[f"orders.{i}.{name}"] = [_("Not before the order was placed.")]
    return errors


def _update(order: Order, row: Row, index: int) -> bool:
    if order.buyer.username != row["buyer"] or order.store_id != row["store"]:
        raise ValidationFailed(
            _("An order's buyer and store never change."),
            errors={f"orders.{index}.number": [_("Buyer or store differs.")]},
        )
    if row["total"] < order.refunded_amount:
        raise ValidationFailed(
            _("The total cannot fall below what was already refunded."),
            errors={f"orders.{index}.total": [_("Below the refunded amount.")]},
        )
    changed = [f for f in UPDATABLE if getattr(order, f) != row.get(f)]
    for field in changed:
        setattr(order, field, row.get(field))
    if changed:
        order.save(update_fields=changed)
    return bool(changed)


def orders_upsert(*, actor: User, rows: list[Row]) -> dict[str, list[str]]:
    """Create or update orders by number; a retried batch creates nothing twice."""
    if not actor.has_perm("orders.add_order"):
        raise ActionNotPermitted(_("Only the shop platform's staff import orders."))
    users, stores = _resolve(rows)
    result: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    try:
        with transaction.atomic():
            existing = {
                o.number: o
                for o in Order.objects.select_for_update(of=("self",))
                .select_related("buyer")
                .filter(number__in=[r["number"] for r in rows])
            }
            for index, row in enumerate(rows):
                order = existing.get(row["number"])
                if order is not None:
                    bucket = "updated" if _update(order, row, index) else "unchanged"
                    result[bucket].append(order.number)
                    continue
                store = stores[row["store"]]
                if not store.accepts_orders:
                    raise InvalidTransition(
                        _(
                            "%(store)s is %(status)s and receives no new orders; "
                            "its past orders and cases go on."
                        )
                        % {"store": store.name, "status": store.get_status_display()},
                        errors={
                            f"orders.{index}.store": [
                                _("This store receives no new orders.")
                            ]
                        },
                    )
                fields = {f: row.get(f) for f in UPDATABLE}
                order = Order.objects.create(
                    number=row["number"],
                    buyer=users[row["buyer"]],
                    store=stores[row["store"]],
                    **fields,
                )
                OrderItem.objects.bulk_create(
                    OrderItem(order=order, **item) for item in row.get("items", [])
                )
                result["created"].append(order.number)
    except IntegrityError as exc:
        raise ConcurrentChange(
            _("Another batch created some of these orders first; send it again.")
        ) from exc
    return result
