"""Time the precedent query (`disputes.precedents.precedents_for`) on PostgreSQL.

    .venv/bin/python bench/precedents.py \\
        --database-url postgres://postgres@127.0.0.1:5432/precedents --cases 1000000

Creates the database when missing, migrates it (the pg_trgm extension and the
GIN trigram index come with `disputes/migrations/0020_precedents_similarity.py`),
seeds `--cases` cases with `seed_demo` when it has none (bulk COPY above
2,000 cases), runs VACUUM ANALYZE once after a load, then times
`precedents_for` on `--samples` cases spread over every reason (each once to
warm up, then `--repeat` times) and prints the median and the 90th
percentile in milliseconds against the 100 ms target, and the plan of the
largest pool query. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 100


def ensure_database(url: str) -> None:
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    host, port, user = parts.hostname or "127.0.0.1", parts.port or 5432, parts.username
    probe = subprocess.run(
        ["psql", "-h", host, "-p", str(port), "-U", user or "postgres", "-Atc",
         f"select 1 from pg_database where datname = '{name}'", "postgres"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    if probe.stdout.strip() != "1":
        subprocess.run(
            ["createdb", "-h", host, "-p", str(port), "-U", user or "postgres", name],
            check=True,
        )


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False


def prepare(cases: int, jobs: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from demo.seeding import seed_demo
    from disputes.models import Dispute

    call_command("migrate", verbosity=0)
    if not Dispute.objects.exists():
        started = time.monotonic()
        seed_demo(cases=cases, jobs=jobs)
        print(f"seeded {cases:,} cases in {time.monotonic() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def samples(count: int) -> list:
    from disputes.choices import Reason
    from disputes.models import Dispute

    reasons = [r.value for r in Reason]
    per = max(1, count // len(reasons))
    picked = []
    for reason in reasons:
        picked += list(
            Dispute.objects.filter(reason=reason)
            .exclude(description="")
            .select_related("order", "store")
            .order_by("-opened_at")[:per]
        )
    return picked[:count]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/precedents",
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    ensure_database(args.database_url)
    setup(args.database_url)
    prepare(args.cases, args.jobs)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from disputes.models import Dispute
    from disputes.precedents import precedents_for

    total = Dispute.objects.count()
    decided = Dispute.objects.filter(ruled_at__isnull=False).count()
    print(f"cases: {total:,}; decided: {decided:,}")
    cases = samples(args.samples)
    timings, majorities, queries = [], 0, 0
    for case in cases:
        precedents_for(case)  # warm up
        for _ in range(args.repeat):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                found = precedents_for(case)
            timings.append((time.perf_counter() - started) * 1000)
        queries = max(queries, len(captured))
        majorities += found.majority is not None
    median, p90 = statistics.median(timings), percentile(timings, 0.9)
    verdict = "ok" if p90 <= TARGET_MS else "OVER"
    print(
        f"precedents_for: {len(cases)} cases × {args.repeat}: median {median:.1f} ms, "
        f"p90 {p90:.1f} ms, max {max(timings):.1f} ms (target ≤ {TARGET_MS} ms: "
        f"{verdict}); queries per call ≤ {queries}; "
        f"{majorities} of {len(cases)} with a clear majority"
    )
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        print("slowest query of the last call:")
        print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
