"""Time `GET /api/v1/disputes/` per role and the share spent in available_actions.

    .venv/bin/python bench/api_list.py                   # 2,000 cases, SQLite
    .venv/bin/python bench/api_list.py --cases 5000 --requests 300
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_api_list \
        .venv/bin/python bench/api_list.py               # a throwaway database

SQLite goes to a temporary folder. With DATABASE_URL the database named there
is migrated and seeded (create it first; it must be a throwaway one). The demo
seeder builds the cases (`seed_demo(cases=N)`); the Django test client then
sends the requests in this process, signed in as buyer1, merchant1 and agent1,
so the figures are the application's own cost (no HTTP server, no network).
"CPU ms" is the median process time per request: on a busy shared machine it
moves far less than the wall-clock figures, so compare runs by it. Not part
of the test suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROLES = ("buyer1", "merchant1", "agent1")


def setup(database_url: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    if database_url is None:
        folder = tempfile.mkdtemp(prefix="bench-api-list-")
        database_url = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DATABASE_URL"] = database_url
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False


def seed(cases: int) -> None:
    from django.core.management import call_command

    from demo.seeding import demo_present, seed_demo

    call_command("migrate", verbosity=0)
    if not demo_present():
        started = time.perf_counter()
        seed_demo(cases=cases)
        print(f"seeded {cases:,} cases in {time.perf_counter() - started:.1f} s")


class Timer:
    """Wrap `available_actions` where the API serializer calls it; sum its time."""

    def __init__(self) -> None:
        from disputes.api import serializers

        self.module = serializers
        self.original = serializers.available_actions
        self.seconds = 0.0

    def __enter__(self) -> Timer:
        original = self.original

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        self.module.available_actions = timed
        return self

    def __exit__(self, *exc: object) -> None:
        self.module.available_actions = self.original


def measure(username: str, requests: int) -> dict[str, float]:
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    rows = len(client.get("/api/v1/disputes/").json()["results"])
    for _warm in range(5):
        client.get("/api/v1/disputes/")
    times, cpu = [], []
    with Timer() as timer:
        for _request in range(requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get("/api/v1/disputes/")
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            assert response.status_code == 200, response.status_code
    times.sort()
    return {
        "rows": rows,
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(len(times) * 0.95) - 1] * 1000,
        "cpu_ms": statistics.median(cpu) * 1000,
        "per_s": len(times) / sum(times),
        "actions_share": timer.seconds / sum(times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    setup(os.environ.get("DATABASE_URL"))
    from django.db import connection

    seed(args.cases)
    print(f"{connection.vendor}, {args.requests} requests per role, page of 50")
    print(
        f"{'user':<10} {'rows':>4} {'median ms':>10} {'p95 ms':>8} "
        f"{'CPU ms':>7} {'req/s':>7} {'in available_actions':>21}"
    )
    for username in ROLES:
        row = measure(username, args.requests)
        print(
            f"{username:<10} {row['rows']:>4} {row['median_ms']:>10.1f} "
            f"{row['p95_ms']:>8.1f} {row['cpu_ms']:>7.1f} {row['per_s']:>7.1f} "
            f"{row['actions_share']:>20.0%}"
        )


if __name__ == "__main__":
    main()
