"""What each fast path (a re-implemented piece of Django or DRF) buys, A/B.

    .venv/bin/python bench/fastpaths.py                  # 2,000 cases, SQLite
    .venv/bin/python bench/fastpaths.py --cases 5000 --requests 100
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_fastpaths \
        .venv/bin/python bench/fastpaths.py              # a throwaway database

Seeds the demo (like bench/api_list.py) and sends the same requests through
the Django test client with each fast path on and off, alternately, so both
see the same machine load. Off means the framework's own code: Django's
`items_for_result` for the queue's rows (`workbench/admin/fastpath_rows.py`),
DRF's `Serializer.to_representation` for the case serializers
(`disputes/api/fastpath_read.py`), DRF's `JSONRenderer` for the API's JSON
(`core/fastpath_json.py`). It prints the median CPU milliseconds per request
(compare runs by CPU: wall-clock time swings on a shared machine) and the
gain. The JSON renderer is also timed alone on a payload the size of the
by-store report summary (1,202 rows of 27 figures). Not part of the tests.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_list import seed, setup


@contextlib.contextmanager
def rows_off() -> Iterator[None]:
    """The queue's rows through Django's `items_for_result`, cell by cell."""
    from workbench.admin import fastpath_rows as rows

    original = rows._cells
    rows._cells = lambda cl: None
    try:
        yield
    finally:
        rows._cells = original


@contextlib.contextmanager
def lean_off() -> Iterator[None]:
    """The case serializers through DRF's own `to_representation`."""
    from rest_framework import serializers

    from disputes.api.fastpath_read import LeanReadMixin

    original = LeanReadMixin.to_representation
    LeanReadMixin.to_representation = serializers.Serializer.to_representation
    try:
        yield
    finally:
        LeanReadMixin.to_representation = original


@contextlib.contextmanager
def orjson_off() -> Iterator[None]:
    """The API's JSON written by DRF's renderer (the standard library's json)."""
    from rest_framework.renderers import JSONRenderer as DRF

    from core.fastpath_json import JSONRenderer

    original = JSONRenderer.render
    JSONRenderer.render = DRF.render
    try:
        yield
    finally:
        JSONRenderer.render = original


def cpu_ms(call: Callable[[], object], repeat: int) -> float:
    """The median CPU milliseconds of `call`."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        call()
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000


def get(username: str, path: str) -> Callable[[], object]:
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))

    def call() -> object:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response

    return call


def a_b(call: Callable[[], object], off, requests: int) -> tuple[float, float]:
    """(on, off) median CPU ms, measured in alternating rounds of ten."""
    for _warm in range(5):
        call()
    on_times, off_times = [], []
    for _round in range(max(1, requests // 10)):
        on_times.append(cpu_ms(call, 10))
        with off():
            off_times.append(cpu_ms(call, 10))
    return statistics.median(on_times), statistics.median(off_times)


def summary_payload() -> dict:
    """A by-store summary's size: 1,202 rows of 27 figures (rates, counts)."""
    row = {f"figure_{i}": (Decimal("0.1234") if i % 3 else i * 7) for i in range(27)}
    return {"results": [{"store": n, **row} for n in range(1202)]}


def render_alone(repeat: int) -> tuple[float, float]:
    from rest_framework.renderers import JSONRenderer as DRF

    from core.fastpath_json import JSONRenderer

    data = summary_payload()
    fast, slow = JSONRenderer(), DRF()
    assert fast.render(data) == slow.render(data)
    return cpu_ms(lambda: fast.render(data), repeat), cpu_ms(
        lambda: slow.render(data), repeat
    )


PAGES = [
    # (fast path, switch, user, path)
    ("fastpath_rows", rows_off, "agent1", "/admin/disputes/dispute/"),
    ("fastpath_rows", rows_off, "supervisor1", "/admin/disputes/dispute/?state=open"),
    ("fastpath_read", lean_off, "agent1", "/api/v1/disputes/"),
    ("fastpath_read", lean_off, "buyer1", "/api/v1/disputes/"),
    ("fastpath_json", orjson_off, "agent1", "/api/v1/disputes/"),
    (
        "fastpath_json",
        orjson_off,
        "supervisor1",
        "/api/v1/reports/summary/?group_by=store",
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    setup(os.environ.get("DATABASE_URL"))
    from django.db import connection

    seed(args.cases)
    print(f"{connection.vendor}, {args.cases:,} cases, median CPU ms per request")
    print(
        f"{'fast path':<13} {'user':<12} {'path':<42} {'on':>6} {'off':>6} {'gain':>6}"
    )
    for name, off, user, path in PAGES:
        on_ms, off_ms = a_b(get(user, path), off, args.requests)
        print(
            f"{name:<13} {user:<12} {path:<42} {on_ms:>6.1f} {off_ms:>6.1f} "
            f"{off_ms - on_ms:>6.1f}"
        )
    on_ms, off_ms = render_alone(args.requests)
    print(
        f"{'fastpath_json':<13} {'-':<12} {'render() of 1,202 rows x 27':<42} "
        f"{on_ms:>6.1f} {off_ms:>6.1f} {off_ms - on_ms:>6.1f}"
    )


if __name__ == "__main__":
    main()
