"""Script one demo case: its order, its claim and its story, as plain data.

A `CaseScript` is everything both executors need and nothing they could
decide differently: the order (as rows), the buyer and store, the claim,
when the case opens and the planned steps (`stories`). `replay` plays it
through the services, `bulk` writes the rows the services would have written.
"""

from __future__ import annotations

import functools
import itertools
import random
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from disputes.choices import (
    GOODS_REMEDIES,
    NO_AMOUNT_REMEDIES,
    RETIRED_REASONS,
    Reason,
    Remedy,
)
from disputes.models import PlatformRule
from disputes.policy import Policy
from disputes.rules_pure import local_day
from orders.models import OrderStatus

from . import lines, stories, vocab
from .lines import Kit

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# The random stories' reasons (weights below, one each); the goods showcase
# (demo/goods.py) seeds the 七天无理由 returns, so the draws stay as they were.
REASONS = [r for r in Reason.values if r != Reason.NO_REASON]
REASON_WEIGHTS = list(itertools.accumulate([22, 18, 16, 12, 10, 4, 12, 6]))


@dataclass(frozen=True)
class StoreInfo:
    id: int
    category: str
    owner_id: int
    category_id: int = 0
    region: str = ""


@dataclass
class World:
    """What every case draws on: people, stores, policies, rules, files."""

    now: datetime
    stores: list[StoreInfo]
    buyers: list[int]
    known: dict[str, int]
    roles: dict[int, str]
    policies: dict[str, Policy]
    rules: dict[str, list[PlatformRule]]
    files: list[dict]
    days: int = 120
    # The policy version the demo's cases open under (docs/policy.md).
    policy_version_id: int | None = None
    # Its terms for each store's category and region: the goods steps'
    # windows (remote regions and cross-border ship back for longer).
    terms: dict[tuple[str, str], Policy] = field(default_factory=dict)

    def terms_of(self, store: StoreInfo) -> Policy:
        """The policy a case at `store` opens under (its goods windows)."""
        return (
            self.terms.get((store.category, store.region))
            or (self.policies[store.category])
        )

    def rule_at(self, code: str, at: datetime) -> PlatformRule:
        """The version of rule `code` in force at `at` (as `in_force` finds it)."""
        versions = [r for r in self.rules[code] if r.effective_from <= at]
        return max(versions, key=lambda r: r.version)


@dataclass
class OrderRows:
    """An order and its items as column values (ids come from the writer)."""

    order: dict
    items: list[dict] = field(default_factory=list)


@dataclass
class CaseScript:
    store: StoreInfo
    buyer_id: int
    order: OrderRows
    reason: str
    remedy: str
    claim: Decimal
    description: str
    opened_at: datetime
    policy: Policy
    plan: stories.Plan


def order_number(placed: datetime, seq: int) -> str:
    return f"O{local_day(placed, tz=timezone.get_default_timezone())}{seq:010d}"


@functools.cache
def sku(product: str) -> str:
    """A product's stock-keeping unit: the same product, the same SKU."""
    return f"SKU-{zlib.crc32(product.encode()) % 900_000 + 100_000}"


class Dice(random.Random):
    """`random.Random` with cheaper `choice` and `randint` (repeatable by seed).

    The standard ones draw unbiased integers bit by bit; for demo data the
    float-based pick is as good and several times faster.
    """

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


def make_order(
    world: World,
    rng: random.Random,
    *,
    buyer_id: int,
    store: StoreInfo,
    placed: datetime,
    status: str,
) -> OrderRows:
    """An order with one or two lines; timestamps follow from `status`.

    The caller numbers it (`order_number`) once its times are final.
    """
    rows = OrderRows({"buyer_id": buyer_id, "store_id": store.id, "status": status})
    total = ZERO
    products = vocab.PRODUCTS[store.category]
    lines = rng.sample(products, 2) if rng.random() < 0.5 else [rng.choice(products)]
    for name, low, high in lines:
        # A price like 89.00, 88.90 or 88.99.
        cents = rng.randint(low, high) * 100 - rng.choice((0, 10, 1))
        price = Decimal(cents).scaleb(-2)
        quantity = rng.choice([1, 1, 1, 2, 3])
        total += price * quantity
        rows.items.append(
            {
                "product_name": name,
                "sku": sku(name),
                "quantity": quantity,
                "unit_price": price,
            }
        )
    order = rows.order
    order["total"], order["refunded_amount"] = total, ZERO
    order["placed_at"] = placed
    order["paid_at"] = order["shipped_at"] = order["delivered_at"] = None
    if status not in (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED):
        order["paid_at"] = placed + timedelta(minutes=rng.uniform(1, 30))
    if status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        order["shipped_at"] = order["paid_at"] + timedelta(hours=rng.uniform(4, 48))
    if status == OrderStatus.DELIVERED:
        order["delivered_at"] = order["shipped_at"] + timedelta(
            hours=rng.uniform(20, 96)
        )
    # Nothing happens in the future: a recent order is still on its way.
    if order["delivered_at"] and order["delivered_at"] > world.now:
        order["status"], order["delivered_at"] = OrderStatus.SHIPPED, None
    if order["shipped_at"] and order["shipped_at"] > world.now:
        order["status"], order["shipped_at"] = OrderStatus.PAID, None
    return rows


def claim_for(rng: random.Random, total: Decimal, remedy: str, kit: Kit) -> Decimal:
    """The amount claimed: part of the order for compensation or a missing
    part, all of it for an exchange, mostly all of it otherwise."""
    share = {"compensation": (0.1, 0.3), "exchange": (1, 1)}.get(remedy)
    share = share or kit.claim_share
    if share is None:
        share = (1, 1) if rng.random() < 0.6 else (0.3, 0.9)
    claim = (total * Decimal(str(rng.uniform(*share)))).quantize(CENT)
    return min(max(claim, CENT), total)


def script_case(
    world: World,
    rng: random.Random,
    *,
    order_seq: int,
    scenario: str,
    store: StoreInfo,
    buyer_id: int,
    showcase: stories.Showcase = stories.DRAWN,
) -> CaseScript:
    """Plan one case ending in `scenario`: order, claim, opening time, steps;
    the reason, remedy and every line of the story from the reason's kit."""
    policy = world.policies[store.category]
    if scenario in stories.GOODS_SCENARIOS:
        reason, remedy = _goods_claim(rng, scenario)
        kit = lines.KITS[reason]
    else:
        reason, remedy, kit = _money_claim(rng, showcase)
    order = make_order(
        world,
        rng,
        buyer_id=buyer_id,
        store=store,
        placed=world.now,
        status=OrderStatus.DELIVERED,
    )
    total = order.order["total"]
    claim = claim_for(rng, total, remedy, kit)
    if remedy in NO_AMOUNT_REMEDIES:  # the goods move, no money is claimed
        claim = ZERO
    plan = stories.plan_case(
        rng,
        scenario,
        policy,
        claim=claim,
        total=total,
        reason=reason,
        remedy=remedy,
        showcase=showcase,
        terms=world.terms_of(store),
    )
    opened = world.now - stories.opened_ago(plan, rng, days=world.days)
    _date_order(rng, order.order, opened, policy, reason)
    order.order["number"] = order_number(order.order["placed_at"], order_seq)
    return CaseScript(
        store=store,
        buyer_id=buyer_id,
        order=order,
        reason=reason,
        remedy=remedy,
        claim=claim,
        description=rng.choice(kit.description(store.category)),
        opened_at=opened,
        policy=policy,
        plan=plan,
    )


def _money_claim(
    rng: random.Random, showcase: stories.Showcase
) -> tuple[str, str, Kit]:
    """A money story's reason, remedy and kit: the goods remedies a kit names
    are settled in money here (the goods stories move goods)."""
    reason = stories.weighted(rng, REASONS, REASON_WEIGHTS)
    reason = showcase.reason or reason
    if reason in RETIRED_REASONS:  # no new case opens with 退换货 any more
        reason = Reason.QUALITY
    kit = lines.KITS[reason]
    remedy = rng.choice(kit.remedies)
    if remedy in GOODS_REMEDIES:
        remedy = Remedy.REFUND_ONLY
    return reason, remedy, kit


def _goods_claim(rng: random.Random, scenario: str) -> tuple[str, str]:
    """A goods story's reason and remedy (a return, exchange or resend)."""
    remedy = rng.choice(stories.GOODS_REMEDIES_OF[scenario])
    return rng.choice(stories.GOODS_REASONS[remedy]), remedy


def _date_order(
    rng: random.Random, order: dict, opened: datetime, policy: Policy, reason: str
) -> None:
    """Place, pay, ship and deliver the order so the case fits its window."""
    hours = rng.uniform
    if reason == Reason.NOT_RECEIVED and rng.random() < 0.5:
        order["status"], order["delivered_at"] = OrderStatus.SHIPPED, None
        order["shipped_at"] = opened - timedelta(days=hours(4, 8))
    else:
        window = min(policy.after_sales_days, 10)
        order["status"] = OrderStatus.DELIVERED
        order["delivered_at"] = opened - timedelta(days=hours(0.05, window))
        order["shipped_at"] = order["delivered_at"] - timedelta(hours=hours(20, 96))
    order["paid_at"] = order["shipped_at"] - timedelta(hours=hours(4, 48))
    order["placed_at"] = order["paid_at"] - timedelta(minutes=hours(1, 30))
