"""The goods showcase: returns, exchanges and resends in every step.

Seeded through the services (whatever the method of the rest of the demo),
on orders of their own, so buyer1 and buyer2 still have their fresh orders
with no case and store 1 and 2 behave as before. Each entry says who buys
where, what is claimed, and how far the goods go:

- buyer1 @ store 1, 七天无理由 return agreed: buyer1 ships it (awaiting_return);
- buyer2 @ store 1, a return on its way: merchant1 confirms (return_in_transit);
- buyer1 @ store 2, an exchange back at the store: merchant2 ships the
  replacement (awaiting_replacement);
- buyer2 @ store 2, a replacement on its way: buyer2 confirms
  (replacement_in_transit);
- closed ones: a resend confirmed, a return confirmed and refunded, returns
  never sent back (return_lapsed, one for each demo pair), and a refused
  return with the platform.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from disputes import services
from disputes.choices import Reason, Remedy, ReturnRefusal
from disputes.models import Dispute
from orders.carriers import Carrier
from orders.models import Order, OrderItem, OrderStatus

from . import clock, vocab
from .script import World, make_order, order_number

# How far a showcase case goes after the store agrees.
AGREED, SHIPPED, BACK, REPLACED, DONE, LAPSED, REFUSED = (
    "agreed",
    "shipped",
    "back",
    "replaced",
    "done",
    "lapsed",
    "refused",
)


@dataclass(frozen=True)
class GoodsCase:
    buyer: str
    store: int  # 0: store 1, 1: store 2
    reason: str
    remedy: str
    upto: str
    description: str
    days_ago: float = 0.2  # when the case opened


CASES = [
    GoodsCase(
        "buyer1",
        0,
        Reason.NO_REASON,
        Remedy.RETURN_REFUND,
        AGREED,
        "尺码不合适，偏小一号",
    ),
    GoodsCase(
        "buyer2",
        0,
        Reason.QUALITY,
        Remedy.RETURN_REFUND,
        SHIPPED,
        "洗了一次就严重起球",
        1.5,
    ),
    GoodsCase(
        "buyer1",
        1,
        Reason.NO_REASON,
        Remedy.EXCHANGE,
        BACK,
        "色号和想象的不一样，想换一支",
        2.5,
    ),
    GoodsCase(
        "buyer2",
        1,
        Reason.DAMAGED,
        Remedy.EXCHANGE,
        REPLACED,
        "收到时瓶身破裂漏液",
        3.5,
    ),
    GoodsCase(
        "buyer1", 0, Reason.MISSING_PARTS, Remedy.RESEND, DONE, "套装少发了一条腰带", 6
    ),
    GoodsCase(
        "buyer2",
        0,
        Reason.NOT_AS_DESCRIBED,
        Remedy.RETURN_REFUND,
        DONE,
        "面料和详情页写的不一样",
        5,
    ),
    GoodsCase(
        "buyer2",
        1,
        Reason.NO_REASON,
        Remedy.RETURN_REFUND,
        LAPSED,
        "买重复了，还没拆封",
        10,
    ),
    GoodsCase(
        "buyer1",
        0,
        Reason.NO_REASON,
        Remedy.RETURN_REFUND,
        LAPSED,
        "颜色和想象的不一样，不喜欢",
        11,
    ),
    GoodsCase(
        "buyer1", 1, Reason.QUALITY, Remedy.RETURN_REFUND, REFUSED, "用了两天就过敏", 4
    ),
]

PARCELS = vocab.WAYBILLS


def _waybill(carrier: str, rng: random.Random) -> tuple[Carrier, str]:
    return Carrier(carrier), PARCELS[carrier].format(rng.randrange(10**11, 10**12))


def seed_goods(world: World, rng: random.Random, seq: int) -> int:
    """Open and walk the showcase cases; returns how many orders it made."""
    users = {name: User.objects.get(pk=pk) for name, pk in world.known.items()}
    made = 0
    with clock.stepping() as move_to:
        for entry in CASES:
            made += 1
            opened = world.now - timedelta(days=entry.days_ago)
            order = _order(world, rng, entry, opened, seq + made)
            _walk(entry, order, users, rng, opened, world, move_to)
    return made


def _order(
    world: World, rng: random.Random, entry: GoodsCase, opened: datetime, seq: int
) -> Order:
    store = world.stores[entry.store]
    delivered = opened - timedelta(hours=rng.uniform(20, 40))
    rows = make_order(
        world,
        rng,
        buyer_id=world.known[entry.buyer],
        store=store,
        placed=delivered - timedelta(days=3),
        status=OrderStatus.DELIVERED,
    )
    data = rows.order
    data["shipped_at"] = delivered - timedelta(hours=rng.uniform(20, 48))
    data["paid_at"] = data["shipped_at"] - timedelta(hours=rng.uniform(2, 20))
    data["placed_at"] = data["paid_at"] - timedelta(minutes=rng.uniform(1, 20))
    data["status"], data["delivered_at"] = OrderStatus.DELIVERED, delivered
    data["number"] = order_number(data["placed_at"], seq) + "G"
    order = Order.objects.create(**data)
    OrderItem.objects.bulk_create(OrderItem(order=order, **item) for item in rows.items)
    return order


def _walk(entry, order, users, rng, opened, world, move_to) -> Dispute:
    buyer = users[entry.buyer]
    merchant = users["merchant1" if entry.store == 0 else "merchant2"]
    goods_back = entry.remedy != Remedy.RESEND
    amount = (
        Decimal("0")
        if entry.remedy in (Remedy.EXCHANGE, Remedy.RESEND)
        else order.total
    )
    move_to(opened)
    case = services.dispute_open(
        actor=buyer,
        order=order,
        reason=Reason(entry.reason),
        remedy=Remedy(entry.remedy),
        amount=amount,
        description=entry.description,
    )
    move_to(opened + timedelta(hours=rng.uniform(2, 10)))
    case = services.dispute_accept(dispute=case, actor=merchant)
    if entry.upto == AGREED:
        return case
    if entry.upto == LAPSED:
        move_to(world.now)
        return services.dispute_goods_deadline(dispute=case)
    if goods_back:
        move_to(opened + timedelta(hours=rng.uniform(12, 30)))
        carrier, number = _waybill(rng.choice(["SF", "YTO", "ZTO"]), rng)
        case = services.dispute_ship_return(
            dispute=case, actor=buyer, carrier=carrier, tracking_number=number
        )
        if entry.upto == SHIPPED:
            return case
        move_to(opened + timedelta(hours=rng.uniform(50, 70)))
        if entry.upto == REFUSED:
            spec = world.files[0]
            with default_storage.open(spec["file"]) as stored:
                data = stored.read()
            services.evidence_upload(
                dispute=case,
                actor=merchant,
                file=SimpleUploadedFile(
                    spec["original_name"], data, spec["content_type"]
                ),
                description="退回的商品已拆封使用，吊牌已剪",
            )
            return services.dispute_refuse_return(
                dispute=case,
                actor=merchant,
                preset=ReturnRefusal.USED,
                reason="退回商品有明显使用痕迹，影响二次销售",
            )
        case = services.dispute_confirm_return(dispute=case, actor=merchant)
        if entry.upto == BACK or entry.remedy == Remedy.RETURN_REFUND:
            return case
    move_to(opened + timedelta(hours=rng.uniform(72, 80)))
    carrier, number = _waybill("JD", rng)
    case = services.dispute_ship_replacement(
        dispute=case, actor=merchant, carrier=carrier, tracking_number=number
    )
    if entry.upto == REPLACED:
        return case
    move_to(opened + timedelta(hours=rng.uniform(110, 130)))
    return services.dispute_confirm_replacement(dispute=case, actor=buyer)


__all__ = ["CASES", "seed_goods", "vocab"]
