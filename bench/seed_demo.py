"""Time `seed_demo` on a throwaway database and print cases/s and peak memory.

    .venv/bin/python bench/seed_demo.py                 # 10,000 cases, SQLite
    .venv/bin/python bench/seed_demo.py 100000          # more cases
    .venv/bin/python bench/seed_demo.py 10000 --postgres

SQLite goes to a temporary folder; --postgres creates (and afterwards drops)
the database `bench_seed_demo` on PG_ADMIN_URL (default the local server).
The seeding runs in a child process so its peak resident memory is measured
alone (resource.getrusage). On PostgreSQL it also reads the CPU time of the
server process that did the loading (/proc, same machine), because on a busy
machine wall time says little: with the two side by side you can see which
one limits. `--keep` leaves the database (`--db NAME`) in place afterwards.
Not part of the test suite.
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


def _backend_cpu_seconds() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL server process."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child(cases: int, batch_size: int, method: str) -> None:
    """Seed in this process and print the figures as JSON."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.db import connection

    from demo.seeding import seed_demo

    connection.ensure_connection()
    db_cpu_before = _backend_cpu_seconds()
    started = time.perf_counter()
    result = seed_demo(
        cases=cases, batch_size=batch_size, progress=_progress, method=method
    )
    seconds = time.perf_counter() - started
    db_cpu = _backend_cpu_seconds()
    if db_cpu is not None and db_cpu_before is not None:
        db_cpu -= db_cpu_before
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
                "db_cpu_seconds": db_cpu,
                "method": result.method,
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
    parser.add_argument(
        "--method", default="auto", choices=["auto", "services", "bulk"]
    )
    parser.add_argument("--db", default=PG_DB, help="PostgreSQL database name")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.cases, args.batch_size, args.method)
        return
    with tempfile.TemporaryDirectory(prefix="bench-seed-") as tmp:
        if args.postgres:
            _pg(f"DROP DATABASE IF EXISTS {args.db}")
            _pg(f"CREATE DATABASE {args.db}")
            url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{args.db}"
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
                    "--method",
                    args.method,
                ],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            ).stdout
        finally:
            if args.postgres and not args.keep:
                _pg(f"DROP DATABASE IF EXISTS {args.db}")
    figures = json.loads(out.strip().splitlines()[-1])
    engine = "PostgreSQL" if args.postgres else "SQLite"
    seconds = figures["seconds"]
    print(
        f"seed_demo --cases {figures['cases']:,} on {engine}: {seconds:.1f} s, "
        f"{figures['cases'] / seconds:,.0f} cases/s, {figures['rows']:,} rows "
        f"({figures['rows'] / seconds:,.0f} rows/s), {figures['orders']:,} orders, "
        f"peak RSS {figures['peak_mb']:.0f} MB; CPU {figures['cpu_seconds']:.1f} s "
        f"({figures['cases'] / figures['cpu_seconds']:,.0f} cases per CPU-second) "
        f"[{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{figures['method']}, load average {os.getloadavg()[0]:.1f}]"
    )
    if figures["db_cpu_seconds"] is not None:
        print(
            f"PostgreSQL server process: {figures['db_cpu_seconds']:.1f} CPU s "
            f"({figures['cases'] / figures['db_cpu_seconds']:,.0f} cases per CPU-s)"
        )


if __name__ == "__main__":
    main()
