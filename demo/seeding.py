"""The demo data set behind `manage.py seed_demo`.

`seed_demo()` builds everything in one transaction: either the whole demo is
there or none of it is. Each case is scripted in memory (`script`, `stories`:
its order, claim and every step with its time), then played either

- through the real services on a travelling clock (`replay`): the default
  demo of a few hundred cases, exactly what production would write; or
- straight into rows (`bulk`), written with PostgreSQL `COPY` (plain inserts
  elsewhere) chunk by chunk, for large `cases`: memory stays flat.

The equivalence test holds the two executors to the same result.

Running it again is a no-op once the demo is present (merchant1 owns a
store): nothing is added and no password changes, unless `reset_passwords`
asks for the well-known accounts to get `password` again.
"""

from __future__ import annotations

import functools
import gc
import os
import queue
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Model
from django.test import override_settings
from django.utils import timezone, translation

from accounts.demo import DEFAULT_PASSWORD
from accounts.models import User
from core.bulkrows import Batch, Encoded, RowWriter, constraints_deferred
from disputes.models import Dispute
from disputes.signals import cases_bulk_built, cases_bulk_loaded
from orders.models import Order, OrderStatus
from stores.models import Store

from . import stories
from .bulk import TABLES, BulkCase, write_order
from .goods import seed_goods
from .governance import seed_governance
from .policies import policy_stores
from .quality import seed_quality_reviews
from .replay import ServiceCase
from .script import (
    CaseScript,
    Dice,
    StoreInfo,
    World,
    make_order,
    order_number,
    script_case,
)
from .workers import build_in_processes
from .world import build_world, roomy_sqlite_cache, set_passwords

DEFAULT_CASES = 300
KNOWN_BUYERS = ("buyer1", "buyer2")
FRESH_ORDERS_PER_STORE = 5
# Up to this many cases the demo runs through the services; above, in bulk.
SERVICE_LIMIT = 2000
# From this many bulk cases, PostgreSQL builds indexes and keys after the load.
DEFER_CONSTRAINTS_FROM = 20_000
# From this many bulk cases, PostgreSQL gets them from several processes.
PARALLEL_FROM = 20_000
# Mail the services send on commit goes nowhere while seeding.
QUIET_MAIL = "django.core.mail.backends.dummy.EmailBackend"

Progress = Callable[[int, int], None]


@dataclass
class SeedResult:
    created: bool
    cases: int = 0
    orders: int = 0
    rows: int = 0
    seconds: float = 0.0
    passwords_reset: int = 0
    method: str = ""


def default_jobs(cases: int) -> int:
    """Two builders from PARALLEL_FROM cases when there are two cores or more."""
    return min(2, os.cpu_count() or 1) if cases >= PARALLEL_FROM else 1


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
    method: str = "auto",
    jobs: int = 0,
) -> SeedResult:
    """Build the demo data set once; later calls change nothing (see module doc).

    `method`: "services", "bulk", or "auto" (services up to SERVICE_LIMIT cases).
    `jobs`: processes building bulk chunks on PostgreSQL (0: `default_jobs`).
    """
    started = time.monotonic()
    if demo_present():
        reset = set_passwords(password) if reset_passwords else 0
        return SeedResult(created=False, passwords_reset=reset)
    if method == "auto":
        method = "services" if cases <= SERVICE_LIMIT else "bulk"
    rng = Dice(seed)
    now = timezone.now()
    defer = method == "bulk" and cases >= DEFER_CONSTRAINTS_FROM
    # No query log either (DEBUG keeps every query of a long run in memory).
    with (
        override_settings(EMAIL_BACKEND=QUIET_MAIL, DEBUG=False),
        roomy_sqlite_cache(),
        transaction.atomic(),
    ):
        world = build_world(
            cases=cases, password=password, reset=reset_passwords, rng=rng, now=now
        )
        models = TABLES + _derived_models() if method == "bulk" else TABLES
        writer = RowWriter(models, local_ids=method == "bulk")
        with constraints_deferred(models) if defer else nullcontext():
            seeder = Seeder(
                world,
                writer,
                seed=seed,
                method=method,
                cases=cases,
                batch_size=batch_size,
                orders_per_case=orders_per_case,
            )
            result = seeder.run(progress, jobs=jobs or default_jobs(cases))
            result.orders += _fresh_orders(world, rng, writer, result.orders)
            result.rows = writer.written
        writer.finish()
        result.orders += policy_stores(
            buyer=User.objects.get(pk=world.known["buyer1"]),
            password=password,
            now=now,
            seq=result.orders,
        )
        # The orders (either method) and the bulk cases were written as rows,
        # without their signals: listeners (the report rollups) finish from
        # the tables. Every case's derived rows are there already: the
        # services' cases wrote theirs through `case_event`, bulk cases got
        # them from `cases_bulk_built`.
        cases_bulk_loaded.send(sender=Dispute, derived=True)
        # Quality reviews of the recent weeks' rulings (demo.quality).
        seed_quality_reviews(timezone.localdate(now))
        # Returns, exchanges and resends in every goods step, through the
        # services whatever the method, once the bulk rows and their ids are
        # in place (demo/goods.py).
        result.orders += seed_goods(world, Dice(f"{seed}/goods"), result.orders)
        # Store health and governance: scores, tiers, a suspended store with
        # its notice and pending appeal, a contested case (demo.governance).
        seed_governance(world)
    result.method = method
    result.seconds = time.monotonic() - started
    return result


Derived = tuple[type[Model], list[dict[str, Any]]]


def _derived(cases: list[Any]) -> list[Derived]:
    """What the listeners of `cases_bulk_built` derive from `cases`: for each,
    the model and the rows it writes."""
    sent = cases_bulk_built.send(sender=Dispute, cases=cases)
    return [cast(Derived, response) for _receiver, response in sent]


def _derived_models() -> list[type[Model]]:
    """The models the listeners of `cases_bulk_built` write rows to."""
    return [model for model, _rows in _derived([])]


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


class Seeder:
    """Scripts the cases chunk by chunk and plays them with one executor.

    Chunk `k` holds cases `k * batch_size` onwards and draws on its own
    random stream (`seed` and `k`), so a chunk comes out the same whoever
    builds it and in whatever order. In bulk the chunks are built with
    chunk-local ids (placed in chunk order), by `jobs` processes that each
    encode their rows for `COPY` (PostgreSQL), or by a second thread while
    this one writes (the database works while Python computes).
    """

    def __init__(
        self,
        world: World,
        writer: RowWriter,
        *,
        seed: int,
        method: str,
        cases: int,
        batch_size: int,
        orders_per_case: int,
    ) -> None:
        self.world, self.writer, self.seed = world, writer, seed
        self.method, self.cases, self.batch_size = method, cases, batch_size
        self.orders_per_case = orders_per_case
        self.chunks = -(-cases // batch_size)

    def run(self, progress: Progress | None, jobs: int = 1) -> SeedResult:
        result = SeedResult(created=True, orders=self.cases * self.orders_per_case)
        done = functools.partial(self._done, result, progress)
        done(0)  # the bar shows at once
        if self.method == "services":
            replay = ServiceCase(self.world)
            for k in range(self.chunks):
                scripts = self._script(k)
                self.writer.flush()  # the orders, from the shop platform
                ids = [s.order.order["id"] for _n, s in scripts]
                orders = Order.objects.in_bulk(ids)
                for _serial, script in scripts:
                    replay.play(script, orders[script.order.order["id"]])
                    done(1)  # a case takes a tenth of a second: say each
            return result
        builder = BulkCase(self.world, self.writer, self.world.roles)
        build = functools.partial(self._build, builder)
        with _rare_collections():
            if jobs > 1 and connection.vendor == "postgresql":
                written = lambda k: done(self._size(k))  # noqa: E731
                build_in_processes(self.writer, build, self.chunks, jobs, written)
                return result
            placed = (self._placed(build, k) for k in range(self.chunks))
            for count, encoded in _ahead(placed):
                self.writer.write(encoded)
                done(count)
        return result

    def _placed(self, build: Callable[[int], Batch], k: int) -> tuple[int, Encoded]:
        batch = build(k)
        return self._size(k), self.writer.encode(self.writer.place(batch))

    def _build(self, builder: BulkCase, k: int) -> Batch:
        """Chunk `k` in rows with chunk-local ids, what listeners derive included."""
        for serial, script in self._script(k):
            builder.build(script, serial)
        for model, rows in _derived(builder.built):
            for row in rows:
                self.writer.add(model, row)
        builder.built = []
        return self.writer.take()

    def _size(self, k: int) -> int:
        return min(self.batch_size, self.cases - k * self.batch_size)

    def _done(self, result, progress: Progress | None, count: int) -> None:
        result.cases += count
        if progress:
            progress(result.cases, self.cases)

    def _script(self, k: int) -> list[tuple[int, CaseScript]]:
        """Chunk `k`'s scripts; the orders without a case are queued as they come."""
        world, rng, scripts = self.world, chunk_dice(self.seed, k), []
        first = k * self.batch_size
        seq = first * self.orders_per_case
        for index in range(first, first + self._size(k)):
            store, buyer_id = _pick(world, rng, index)
            script = script_case(
                world,
                rng,
                order_seq=seq + 1,
                scenario=stories.pick_scenario(rng, index),
                store=store,
                buyer_id=buyer_id,
                showcase=showcase(index),
            )
            if self.method == "services":
                write_order(self.writer, script.order)
            scripts.append((index + 1, script))
            seq += 1
            for _extra in range(self.orders_per_case - 1):
                seq += 1
                write_order(self.writer, _plain_order(world, rng, seq))
        return scripts


def chunk_dice(seed: int, chunk: int) -> Dice:
    """The random stream of one chunk of cases."""
    return Dice(f"{seed}/{chunk}")


def showcase(index: int) -> stories.Showcase:
    """What the first rounds of cases fix so that the demo shows it for sure.

    supervisor1 rules buyer1's open appeal and buyer2's overturned case: the
    rule that nobody decides an appeal against their own ruling (supervisor2
    decided the one, and only supervisor2 may decide the other). buyer1's
    closed ruling and buyer2's open one are about counterfeits, won by the
    buyer with the rule's 假一赔三 compensation.
    """
    rounds = len(stories.NAMES)
    fixed = {
        stories.NAMES.index("appeal"): stories.Showcase(handler="supervisor1"),
        rounds + stories.NAMES.index("overturned"): stories.Showcase(
            handler="supervisor1"
        ),
        stories.NAMES.index("ruled"): COUNTERFEIT_WON,
        rounds + stories.NAMES.index("ruled_open"): COUNTERFEIT_WON,
    }
    return fixed.get(index, stories.DRAWN)


COUNTERFEIT_WON = stories.Showcase(reason="counterfeit", outcome="buyer")


@contextmanager
def _rare_collections(young: int = 50_000) -> Iterator[None]:
    """Run the garbage collector rarely while the rows are built.

    A chunk makes a few hundred thousand dicts and tuples that live until it
    is written; at the default threshold (700 new objects) the collector
    scans them again and again, a third of the load's time. Little of it is
    cyclic, so collecting rarely costs little memory.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(young, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def _ahead(items: Iterator, depth: int = 2) -> Iterator:
    """Iterate `items` computed in a second thread, up to `depth` items ahead."""
    results: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    language = translation.get_language()

    def produce() -> None:
        try:
            with translation.override(language):
                for item in items:
                    results.put(item)
        except BaseException as exc:  # handed to the consumer, raised there
            results.put(exc)
        results.put(done)

    thread = threading.Thread(target=produce, name="seed-demo-builder", daemon=True)
    thread.start()
    while (item := results.get()) is not done:
        if isinstance(item, BaseException):
            raise item
        yield item
    thread.join()


def _plain_order(world: World, rng: random.Random, seq: int):
    """An order without a case: most orders never lead to one."""
    store, buyer_id = _pick(world, rng)
    ago = timedelta(days=world.days) * (1 - rng.random() ** 0.5)
    placed = world.now - ago - timedelta(hours=1)
    status = OrderStatus.DELIVERED
    if rng.random() < 0.04:
        status = rng.choice([OrderStatus.CANCELLED, OrderStatus.PENDING_PAYMENT])
    rows = make_order(
        world, rng, buyer_id=buyer_id, store=store, placed=placed, status=status
    )
    rows.order["number"] = order_number(placed, seq)
    return rows


def _fresh_orders(world: World, rng: random.Random, writer: RowWriter, seq: int) -> int:
    """buyer1 and buyer2: delivered orders at store 1 and 2 with no case yet."""
    made = 0
    for buyer in KNOWN_BUYERS:
        for store in world.stores[:2]:
            for n in range(FRESH_ORDERS_PER_STORE + 1):
                made += 1
                rows = make_order(
                    world,
                    rng,
                    buyer_id=world.known[buyer],
                    store=store,
                    placed=world.now,
                    status=OrderStatus.DELIVERED,
                )
                _date_fresh(
                    rows.order, world, rng, on_its_way=n == FRESH_ORDERS_PER_STORE
                )
                rows.order["number"] = order_number(rows.order["placed_at"], seq + made)
                write_order(writer, rows)
    writer.flush()
    return made


def _date_fresh(order: dict, world: World, rng: random.Random, *, on_its_way: bool):
    """Delivered one to four days ago (well inside the window), or still shipping."""
    hours = rng.uniform
    delivered = world.now - timedelta(hours=hours(24, 96))
    order["shipped_at"] = delivered - timedelta(hours=hours(20, 60))
    order["paid_at"] = order["shipped_at"] - timedelta(hours=hours(4, 30))
    order["placed_at"] = order["paid_at"] - timedelta(minutes=hours(1, 20))
    order["status"], order["delivered_at"] = OrderStatus.DELIVERED, delivered
    if on_its_way:
        order["status"], order["delivered_at"] = OrderStatus.SHIPPED, None
