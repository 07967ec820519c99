"""Time the task worker: N real notification fan-outs (with their mail) run by
W `db_worker` processes on PostgreSQL, and print tasks/s.

    .venv/bin/python bench/task_queue.py                # 300 events, 1 and 2 workers
    .venv/bin/python bench/task_queue.py 1000 --workers 1 2 4

Uses (and empties) the database at BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/notify); mail goes to the locmem backend.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/notify")
ENV = {
    **os.environ,
    "DATABASE_URL": URL,
    "DJANGO_SETTINGS_MODULE": "config.settings.test",
}


def django_setup() -> None:
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(events: int) -> None:
    """A fresh database with `events` timeline entries waiting for fan-out."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from disputes import services
    from tests import factories as f

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    story = f.case_in_state("mediation")
    for i in range(events - 1):
        services.message_post(dispute=story.case, actor=story.merchant, body=f"{i}")
    assert DBTaskResult.objects.filter(status="READY").count() >= events


def run(workers: int) -> tuple[int, float]:
    from django_tasks_db.models import DBTaskResult

    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--batch",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0",
                "--queue-name",
                "*",
                "-v0",
            ],
            cwd=ROOT,
            env=ENV,
        )
        for _ in range(workers)
    ]
    for proc in procs:
        proc.wait()
    took = time.perf_counter() - start
    return DBTaskResult.objects.filter(status="SUCCESSFUL").count(), took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("events", type=int, nargs="?", default=300)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    django_setup()
    for workers in args.workers:
        prepare(args.events)
        done, took = run(workers)
        rate = done / took
        print(f"{workers} worker(s): {done} tasks in {took:.1f} s = {rate:.0f} tasks/s")


if __name__ == "__main__":
    main()
