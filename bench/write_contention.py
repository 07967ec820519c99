"""Do the report rollups make case writes wait on each other?

Every case change updates, in its own transaction, the rollup cells it falls
in; the cells without dimensions (the whole platform, by day and by month)
are shared by every case opened that day, so concurrent writers queue on
their row locks until each commit. This script measures how much that costs:
P processes each open cases through the real service (`dispute_open`, which
adds to every cuboid) for `--seconds`, with the rollup receiver connected and
then disconnected, and prints cases opened per second and the median
transaction time for each P.

    .venv/bin/python bench/write_contention.py                 # P = 1 2 4 8
    .venv/bin/python bench/write_contention.py --processes 1 4 --seconds 10

Uses (and empties) the PostgreSQL database at BENCH_DATABASE_URL (default
postgres://root@127.0.0.1:5432/contend, created when missing). Not part of
the test suite.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://root@127.0.0.1:5432/contend")
ORDERS_PER_PROCESS = 400


def django_setup() -> None:
    os.environ.update(DATABASE_URL=URL, DJANGO_SETTINGS_MODULE="config.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def create_database() -> None:
    name = URL.rsplit("/", 1)[1]
    server = URL.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(
        ["psql", server, "-qc", f"CREATE DATABASE {name}"],
        capture_output=True,
        check=False,
    )


def prepare(processes: int) -> list[list[int]]:
    """Fresh tables; one buyer and one store per process, each with orders.

    Returns the order ids of each process.
    """
    from django.core.management import call_command

    from tests import factories as f

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    f.PlatformRuleFactory()
    out = []
    for _p in range(processes):
        buyer, store = f.buyer(), f.StoreFactory()
        ids = [
            f.OrderFactory(buyer=buyer, store=store).pk
            for _i in range(ORDERS_PER_PROCESS)
        ]
        out.append(ids)
    return out


def worker(
    order_ids: list[int], seconds: float, rollups: bool, shards: int, results
) -> None:
    from django import db

    db.connections.close_all()
    from disputes import services
    from disputes.choices import Reason, Remedy
    from disputes.signals import case_event
    from orders.models import Order
    from reports import rollups as report_rollups

    report_rollups.SHARDS = shards
    if not rollups:
        case_event.disconnect(dispatch_uid="reports.rollups")
    orders = list(Order.objects.select_related("buyer").filter(pk__in=order_ids))
    times = []
    deadline = time.perf_counter() + seconds
    for order in orders:
        if time.perf_counter() > deadline:
            break
        started = time.perf_counter()
        services.dispute_open(
            actor=order.buyer,
            order=order,
            reason=Reason.QUALITY,
            remedy=Remedy.REFUND_ONLY,
            amount=Decimal("50.00"),
            description="contention bench",
        )
        times.append(time.perf_counter() - started)
    results.put(times)


def measure(
    order_sets: list[list[int]], seconds: float, rollups: bool, shards: int
) -> tuple:
    from django import db

    db.connections.close_all()
    results: mp.Queue = mp.Queue()
    procs = [
        mp.Process(target=worker, args=(ids, seconds, rollups, shards, results))
        for ids in order_sets
    ]
    started = time.perf_counter()
    for p in procs:
        p.start()
    times: list[float] = []
    for _p in procs:
        times += results.get()
    for p in procs:
        p.join()
    wall = time.perf_counter() - started
    return len(times) / wall, statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument(
        "--shards",
        type=int,
        nargs="+",
        default=[8, 1],
        help="rows per shared cell to compare (reports.rollups.SHARDS is 8)",
    )
    args = parser.parse_args()
    create_database()
    django_setup()
    print(f"# {os.cpu_count()} cores; {URL}; {args.seconds:g} s per run")
    print(f"{'processes':>9} {'rollups':>12} {'cases/s':>8} {'median ms':>10}")
    runs = [(True, s) for s in args.shards] + [(False, 0)]
    for processes in args.processes:
        for rollups, shards in runs:
            order_sets = prepare(processes)
            rate, median = measure(order_sets, args.seconds, rollups, shards)
            label = f"{shards} shard(s)" if rollups else "off"
            print(f"{processes:>9} {label:>12} {rate:>8.1f} {median:>10.1f}")


if __name__ == "__main__":
    mp.set_start_method("fork")
    main()
