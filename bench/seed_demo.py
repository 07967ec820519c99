"""Time `seed_demo` on a throwaway database and print cases/s and peak memory.

    .venv/bin/python bench/seed_demo.py                 # 10,000 cases, SQLite
    .venv/bin/python bench/seed_demo.py 100000          # more cases
    .venv/bin/python bench/seed_demo.py 10000 --postgres

SQLite goes to a temporary folder; --postgres creates (and afterwards drops)
the database `bench_seed_demo` on PG_ADMIN_URL (default the local server).
The seeding runs in a child process so its peak resident memory is measured
alone (resource.getrusage). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get(
    "PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
PG_DB = "bench_seed_demo"


def child(cases: int, batch_size: int) -> None:
    """Seed in this process and print the figures as JSON."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from disputes.demo import seed_demo

    started = time.perf_counter()
    result = seed_demo(cases=cases, batch_size=batch_size, progress=_progress)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_kb, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    print(
        json.dumps(
            {
                "cases": result.cases,
                "orders": result.orders,
                "rows": result.rows,
                "seconds": seconds,
                "cpu_seconds": cpu,
                "peak_mb": peak_kb / 1024,
            }
        )
    )


def _progress(done: int, total: int) -> None:
    print(
        f"\r  {done:,}/{total:,} cases",
        end="\n" if done >= total else "",
        file=sys.stderr,
        flush=True,
    )


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(
        PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="?", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.cases, args.batch_size)
        return
    with tempfile.TemporaryDirectory(prefix="bench-seed-") as tmp:
        if args.postgres:
            _pg(f"DROP DATABASE IF EXISTS {PG_DB}")
            _pg(f"CREATE DATABASE {PG_DB}")
            url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_DB}"
        else:
            url = f"sqlite:///{tmp}/bench.sqlite3"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "1",
            "MEDIA_ROOT": f"{tmp}/media",
        }
        try:
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "-v0"],
                cwd=ROOT,
                env=env,
                check=True,
            )
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    str(args.cases),
                    "--child",
                    "--batch-size",
                    str(args.batch_size),
                ],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            ).stdout
        finally:
            if args.postgres:
                _pg(f"DROP DATABASE IF EXISTS {PG_DB}")
    figures = json.loads(out.strip().splitlines()[-1])
    engine = "PostgreSQL" if args.postgres else "SQLite"
    seconds = figures["seconds"]
    print(
        f"seed_demo --cases {figures['cases']:,} on {engine}: {seconds:.1f} s, "
        f"{figures['cases'] / seconds:,.0f} cases/s, {figures['rows']:,} rows "
        f"({figures['rows'] / seconds:,.0f} rows/s), {figures['orders']:,} orders, "
        f"peak RSS {figures['peak_mb']:.0f} MB; CPU {figures['cpu_seconds']:.1f} s "
        f"({figures['cases'] / figures['cpu_seconds']:,.0f} cases per CPU-second) "
        f"[{os.cpu_count()} CPUs, Python {platform.python_version()}]"
    )


if __name__ == "__main__":
    main()
