"""Time the precedent query (`disputes.precedents.precedents_for`) on PostgreSQL.

    .venv/bin/python bench/precedents.py \\
        --database-url postgres://postgres@127.0.0.1:5432/precedents --cases 1000000

Creates the database when missing, migrates it (the pg_trgm extension comes
with `disputes/migrations/0020_precedents_similarity.py`, the partial indexes
the pools read with `0025_precperf_indexes.py`),
seeds `--cases` cases with `seed_demo` when it has none (bulk COPY above
2,000 cases), runs VACUUM ANALYZE once after a load; with `--clone-to N`
copies decided cases in SQL up to N cases (a million in minutes, where
`seed_demo` needs hours on a busy 2-core machine); then times
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


def clone_to(target: int) -> None:
    """Grow the database to about `target` cases fast: copy every decided
    case (and its ruling) as closed cases with new numbers, each copy ruled a
    few minutes earlier, until there are `target` cases. The copies share
    their originals' orders (only an open case must have its own order) and
    descriptions (the demo's vocabulary: the worst case for the text pool).
    The trigram index is dropped during the copy and built again after."""
    from django.db import connection, transaction

    from disputes.models import Dispute

    have = Dispute.objects.count()
    decided = Dispute.objects.filter(ruled_at__isnull=False).count()
    if have >= target or not decided:
        return
    copies = -(-(target - have) // decided)
    with connection.cursor() as cursor:
        cursor.execute(
            "select column_name from information_schema.columns "
            "where table_name = %s order by ordinal_position",
            ["disputes_dispute"],
        )
        columns = [c for (c,) in cursor.fetchall() if c not in ("id",)]
        cursor.execute(
            "select column_name from information_schema.columns "
            "where table_name = %s order by ordinal_position",
            ["disputes_ruling"],
        )
        ruling_columns = [c for (c,) in cursor.fetchall() if c not in ("id",)]
    chosen = {
        "number": "'C' || d.id || '-' || g",
        "state": "'closed'",
        "ruled_at": "d.ruled_at - g * interval '7 minutes'",
        "opened_at": "d.opened_at - g * interval '7 minutes'",
    }
    picks = ", ".join(chosen.get(c, f"d.{c}") for c in columns)
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS dispute_description_trgm")
        step = 50
        for first in range(1, copies + 1, step):
            last = min(copies, first + step - 1)
            cursor.execute(
                f"INSERT INTO disputes_dispute ({', '.join(columns)}) "
                f"SELECT {picks} FROM disputes_dispute d "
                f"CROSS JOIN generate_series({first}, {last}) g "
                "WHERE d.ruled_at IS NOT NULL AND d.number NOT LIKE 'C%%'"
            )
            print(f"  copies {last}/{copies}", flush=True)
        ruling_picks = ", ".join(
            "c.id" if col == "dispute_id" else f"r.{col}" for col in ruling_columns
        )
        cursor.execute(
            f"INSERT INTO disputes_ruling ({', '.join(ruling_columns)}) "
            f"SELECT {ruling_picks} FROM disputes_dispute c "
            "JOIN disputes_ruling r ON r.dispute_id = "
            "split_part(substr(c.number, 2), '-', 1)::bigint "
            "WHERE c.number LIKE 'C%%'"
        )
        print(f"  rulings copied in {time.monotonic() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:  # after the commit (deferred FK checks)
        cursor.execute(
            "CREATE INDEX dispute_description_trgm ON disputes_dispute "
            "USING gin (description gin_trgm_ops)"
        )
        print(f"  trigram index in {time.monotonic() - started:.0f} s", flush=True)
        cursor.execute("VACUUM ANALYZE")
    print(
        f"copied to {Dispute.objects.count():,} cases in "
        f"{time.monotonic() - started:.0f} s"
    )


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
    parser.add_argument(
        "--clone-to",
        type=int,
        default=0,
        help="Then copy decided cases in SQL up to this many cases (fast).",
    )
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--text-pool",
        type=int,
        default=None,
        help="Override disputes.precedents.TEXT_POOL (0: no text pool).",
    )
    parser.add_argument(
        "--window",
        type=int,
        default=None,
        help="Override disputes.precedents.WINDOW (the text pool's window).",
    )
    args = parser.parse_args()
    ensure_database(args.database_url)
    setup(args.database_url)
    prepare(args.cases, args.jobs)
    if args.clone_to:
        clone_to(args.clone_to)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from disputes import precedents
    from disputes.models import Dispute
    from disputes.precedents import precedents_for

    if args.text_pool is not None:
        precedents.TEXT_POOL = args.text_pool
    if args.window is not None:
        precedents.WINDOW = args.window
    total = Dispute.objects.count()
    decided = Dispute.objects.filter(ruled_at__isnull=False).count()
    print(
        f"cases: {total:,}; decided: {decided:,}; text pool "
        f"{precedents.TEXT_POOL} of {getattr(precedents, 'WINDOW', '-')}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
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
        f"{majorities} of {len(cases)} with a clear majority; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        print("slowest query of the last call:")
        print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
