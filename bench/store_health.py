"""Time the daily store-health recompute and the merchant's health page.

    .venv/bin/python bench/store_health.py                    # 3,000 cases, SQLite
    .venv/bin/python bench/store_health.py --cases 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_health \
        .venv/bin/python bench/store_health.py --cases 1000000  # a throwaway db

Targets (issue 23): the recompute ≤ 60 s and the page ≤ 100 ms at a million
cases. The demo seeder builds the data (`seed_demo(cases=N)`, which also
scores every store once); the recompute is then timed `--runs` times (it
rewrites the day's rows), and `/reports/store/health/` is requested as
merchant1 with the Django test client (no HTTP server). Not part of the
test suite; it prints its figures.
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


def setup(database_url: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    if database_url is None:
        folder = tempfile.mkdtemp(prefix="bench-health-")
        database_url = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DATABASE_URL"] = database_url
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    setup(os.environ.get("DATABASE_URL"))

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from demo.seeding import demo_present, seed_demo
    from reports.health import health_recompute
    from reports.models import StoreHealth
    from stores.models import Store

    call_command("migrate", verbosity=0)
    if not demo_present():
        started = time.perf_counter()
        seed_demo(cases=args.cases)
        print(f"seeded {args.cases:,} cases in {time.perf_counter() - started:.1f} s")
    stores = Store.objects.count()
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        scored = health_recompute(propose=True)
        times.append(time.perf_counter() - started)
    print(
        f"recompute: {stores:,} stores ({scored:,} scored), "
        f"median {statistics.median(times):.2f} s, max {max(times):.2f} s "
        f"over {args.runs} runs; history rows {StoreHealth.objects.count():,}"
    )
    client = Client()
    client.force_login(User.objects.get(username="merchant1"))
    client.get("/reports/store/health/")  # warm
    walls, cpus = [], []
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get("/reports/store/health/")
    for _ in range(args.requests):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get("/reports/store/health/")
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200
    walls.sort()
    print(
        "/reports/store/health/ as merchant1: "
        f"median {statistics.median(walls):.1f} ms, "
        f"p90 {walls[int(len(walls) * 0.9) - 1]:.1f} ms, CPU median "
        f"{statistics.median(cpus):.1f} ms, {len(queries)} queries"
    )


if __name__ == "__main__":
    main()
