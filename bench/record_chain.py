"""How long does `verify_case_chain` take per 1,000 timeline entries?

Seeds N demo cases in bulk (the bulk builder seals every timeline as
`timeline_write` does) into an empty database, then times the command over
all cases: the chain alone (`--skip-files`) and with every stored file
re-hashed (the demo's sample files are shared, so each is read once), and
one case by number. Prints seconds per 1,000 entries and the projection for
a million cases at the measured entries per case.

    .venv/bin/python bench/record_chain.py                    # 20,000 cases
    .venv/bin/python bench/record_chain.py --cases 100000

Uses (and empties) the PostgreSQL database at BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/wt_record_bench, created when missing).
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wt_record_bench"
)


def manage(*args: str, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr[-2000:])
    return seconds, done.stdout + done.stderr


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true", help="Reuse a seeded database.")
    args = parser.parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
    }
    env["MEDIA_ROOT"] = str(ROOT / "bench" / "results" / "record-media")
    name, server = URL.rsplit("/", 1)[1], URL.rsplit("/", 1)[0] + "/postgres"
    if not args.keep:
        subprocess.run(["psql", server, "-qc", f"DROP DATABASE IF EXISTS {name}"])
        subprocess.run(["psql", server, "-qc", f"CREATE DATABASE {name}"], check=True)
        manage("migrate", "-v0", env=env)
        seconds, _out = manage(
            "seed_demo", "--cases", str(args.cases), "--method", "bulk", env=env
        )
        print(f"seeded {args.cases} cases in bulk in {seconds:.1f} s")
    for label, extra in (("chain only", ["--skip-files"]), ("chain + files", [])):
        seconds, out = manage("verify_case_chain", *extra, env=env)
        found = re.search(r"checked (\d+) cases, (\d+) entries in ([\d.]+) s", out)
        if not found:
            raise SystemExit(out[-2000:])
        cases, entries, inner = int(found[1]), int(found[2]), float(found[3])
        per_k = inner / entries * 1000
        print(
            f"{label:14} {cases} cases, {entries} entries: {inner:.2f} s "
            f"({per_k * 1000:.1f} ms per 1,000 entries; process {seconds:.1f} s); "
            f"1M cases ≈ {per_k * entries / cases * 1000:.0f} s"
        )
    _s, out = manage(
        "shell",
        "-c",
        "from disputes.models import Dispute as D; "
        "print(D.objects.order_by('?').values_list('number', flat=True)[0])",
        env=env,
    )
    number = out.strip().splitlines()[-1]
    seconds, out = manage("verify_case_chain", number, env=env)
    print(
        f"one case ({number}): {out.strip().splitlines()[-1]}; process {seconds:.2f} s"
    )


if __name__ == "__main__":
    main()
