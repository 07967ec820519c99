"""The demo data set behind `manage.py seed_demo`.

`seed_demo()` builds everything in one transaction: either the whole demo is
there or none of it is. Cases are planned in memory from scripted histories
(`stories`), turned into rows (`builder`) and bulk-inserted chunk by chunk,
so memory stays bounded whatever `cases` is.

Running it again is a no-op once the demo is present (merchant1 owns a
store): nothing is added and no password changes, unless `reset_passwords`
asks for the well-known accounts to get `password` again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import reset_queries, transaction
from django.utils import timezone

from orders.models import OrderStatus
from stores.models import Store

from ..models import Dispute
from ..signals import cases_bulk_loaded
from . import stories
from .builder import CaseBuilder, Chunk, StoreInfo, World, make_order, order_number
from .world import build_world, explicit_timestamps, roomy_sqlite_cache, set_passwords

DEFAULT_PASSWORD = "demo-pass-2026"
DEFAULT_CASES = 300
KNOWN_BUYERS = ("buyer1", "buyer2")
FRESH_ORDERS_PER_STORE = 5

Progress = Callable[[int, int], None]


@dataclass
class SeedResult:
    created: bool
    cases: int = 0
    orders: int = 0
    rows: int = 0
    seconds: float = 0.0
    passwords_reset: int = 0


def demo_present() -> bool:
    """The demo is there when merchant1 owns a store (the marker of a full run)."""
    return Store.objects.filter(owner__username="merchant1").exists()


def seed_demo(
    *,
    cases: int = DEFAULT_CASES,
    password: str = DEFAULT_PASSWORD,
    seed: int = 2026,
    batch_size: int = 2000,
    orders_per_case: int = 3,
    reset_passwords: bool = False,
    progress: Progress | None = None,
) -> SeedResult:
    """Build the demo data set once; later calls change nothing (see module doc)."""
    started = time.monotonic()
    if demo_present():
        reset = set_passwords(password) if reset_passwords else 0
        return SeedResult(created=False, passwords_reset=reset)
    rng = random.Random(seed)
    now = timezone.now()
    with roomy_sqlite_cache(), transaction.atomic(), explicit_timestamps():
        world = build_world(
            cases=cases, password=password, reset=reset_passwords, rng=rng, now=now
        )
        result = _seed_cases(world, rng, cases, batch_size, orders_per_case, progress)
        result.orders += _fresh_orders(world, rng, result.orders)
        cases_bulk_loaded.send(sender=Dispute)
    result.seconds = time.monotonic() - started
    return result


def _pick(
    world: World, rng: random.Random, index: int | None = None
) -> tuple[StoreInfo, int]:
    """A store and a buyer; the demo accounts get a good share of the cases.

    The first two rounds of scenarios go to buyer1 at store 1 and buyer2 at
    store 2, so each demo account sees a case in every state and resolution.
    """
    rounds = len(stories.NAMES)
    if index is not None and index < 2 * rounds:
        n = index // rounds
        return world.stores[n], world.known[KNOWN_BUYERS[n]]
    roll = rng.random()
    store = (
        world.stores[0]
        if roll < 0.12
        else (world.stores[1] if roll < 0.2 else rng.choice(world.stores))
    )
    roll = rng.random()
    if roll < 0.04:
        return store, world.known["buyer1"]
    if roll < 0.07:
        return store, world.known["buyer2"]
    return store, rng.choice(world.buyers)


def _seed_cases(
    world: World,
    rng: random.Random,
    cases: int,
    batch_size: int,
    orders_per_case: int,
    progress: Progress | None,
) -> SeedResult:
    result = SeedResult(created=True)
    chunk = Chunk()
    builder = CaseBuilder(world, rng, chunk)
    for index in range(cases):
        store, buyer_id = _pick(world, rng, index)
        builder.build(
            seq=index + 1,
            order_seq=result.orders + 1,
            store=store,
            buyer_id=buyer_id,
            scenario=stories.pick_scenario(rng, index),
        )
        result.orders += 1
        for _extra in range(orders_per_case - 1):
            result.orders += 1
            _plain_order(world, rng, chunk, result.orders)
        result.cases += 1
        if len(chunk.disputes) >= batch_size or index == cases - 1:
            result.rows += chunk.flush(batch_size)
            reset_queries()  # DEBUG keeps every query (with its huge SQL) otherwise
            if progress:
                progress(result.cases, cases)
    return result


def _plain_order(world: World, rng: random.Random, chunk: Chunk, seq: int) -> None:
    """An order without a case: most orders never lead to one."""
    store, buyer_id = _pick(world, rng)
    ago = timedelta(days=world.days) * (1 - rng.random() ** 0.5)
    placed = world.now - ago - timedelta(hours=1)
    status = OrderStatus.DELIVERED
    if rng.random() < 0.04:
        status = rng.choice([OrderStatus.CANCELLED, OrderStatus.PENDING_PAYMENT])
    make_order(
        world,
        rng,
        number=order_number(placed, seq),
        buyer_id=buyer_id,
        store=store,
        placed=placed,
        status=status,
        chunk=chunk,
    )


def _fresh_orders(world: World, rng: random.Random, seq: int) -> int:
    """buyer1 and buyer2: delivered orders at store 1 and 2 with no case yet."""
    chunk, made = Chunk(), 0
    for buyer in KNOWN_BUYERS:
        for store in world.stores[:2]:
            for n in range(FRESH_ORDERS_PER_STORE + 1):
                made += 1
                order = make_order(
                    world,
                    rng,
                    number="",
                    buyer_id=world.known[buyer],
                    store=store,
                    placed=world.now,
                    status=OrderStatus.DELIVERED,
                    chunk=chunk,
                )
                _date_fresh(order, world, rng, on_its_way=n == FRESH_ORDERS_PER_STORE)
                order.number = order_number(order.placed_at, seq + made)
    chunk.flush(2000)
    return made


def _date_fresh(order, world: World, rng: random.Random, *, on_its_way: bool) -> None:
    """Delivered one to four days ago (well inside the window), or still shipping."""
    hours = rng.uniform
    delivered = world.now - timedelta(hours=hours(24, 96))
    order.shipped_at = delivered - timedelta(hours=hours(20, 60))
    order.paid_at = order.shipped_at - timedelta(hours=hours(4, 30))
    order.placed_at = order.paid_at - timedelta(minutes=hours(1, 20))
    order.status, order.delivered_at = OrderStatus.DELIVERED, delivered
    if on_its_way:
        order.status, order.delivered_at = OrderStatus.SHIPPED, None
