"""The ceiling: the project's busiest endpoints against what the frameworks
serve over the same rows, on the same gunicorn, database and machine, in one
run (issue 25). Not part of the test suite.

    .venv/bin/python bench/ceiling.py --database-url \\
        postgres://postgres@127.0.0.1:5432/million --duration 10 --rounds 2

gunicorn (gunicorn.conf.py, the production settings) runs the bench-only
settings `bench.ceiling.settings`: the product's URLconf plus, under /bench/,
a view answering "hello", a bare Django view (50 cases as `.values()` +
JsonResponse), a bare DRF ListAPIView and RetrieveAPIView (8 plain fields,
token auth, stock cursor pagination) and a stock ModelAdmin changelist of
Dispute (50 rows). Each endpoint is driven in turn by `wrk` (or, when wrk is
missing, a small keep-alive client in `--connections` threads) for
`--duration` seconds, `--rounds` times interleaved, and the table gives each
one's mean rate and its ratio to the bare views *of the same run*: absolute
rates on a shared 2-core machine say little, ratios do.

Targets (issue 25): the API list ≥ 50 % of the bare DRF list, the API detail
≥ 50 % of the bare DRF detail, the workbench list ≥ 50 % of the stock
changelist. Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import million

# (name, user, path, api, the ceiling it is compared with)
ENDPOINTS = [
    ("hello (no database)", "agent1", "/bench/hello/", False, None),
    ("bare Django view, 50 rows", "agent1", "/bench/django/", False, None),
    ("bare DRF list, 50 rows", "agent1", "/bench/drf/", True, None),
    ("API list, 50 rows", "agent1", "/api/v1/disputes/", True,
     "bare DRF list, 50 rows"),
    ("bare DRF detail", "agent1", "/bench/drf/{case_number}/", True, None),
    ("API detail", "agent1", "/api/v1/disputes/{case_number}/", True,
     "bare DRF detail"),
    ("stock changelist, 50 rows", "agent1", "/bench/admin/disputes/dispute/",
     False, None),
    ("workbench case list, 50 rows", "agent1", "/admin/disputes/dispute/", False,
     "stock changelist, 50 rows"),
]  # fmt: skip
TARGET = 0.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=million.DEFAULT_URL)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--only", default="", help="endpoints whose name has this")
    parser.add_argument("--json", default="")
    args = parser.parse_args()

    env = million.bench_env(args)
    million.prepare_database(args, env)
    env["DJANGO_SETTINGS_MODULE"] = "bench.ceiling.settings"
    million.setup_django(env)
    context = million.fixtures()
    chosen = [e for e in ENDPOINTS if args.only in e[0]]
    for name, user, template, api, _ in chosen:  # every page answers first
        headers = million.headers_for(user, api) if api else {}
        client = million.client_for(user)
        status = client.get(template.format(**context), headers=headers).status_code
        if status != 200:
            million.say(f"{name}: HTTP {status}")
            return 2
    proc, base = million.start_gunicorn(env, args)
    rates: dict[str, list[float]] = {e[0]: [] for e in chosen}
    p50s: dict[str, list[float]] = {e[0]: [] for e in chosen}
    try:
        for round_ in range(args.rounds):
            for name, user, template, api, _ in chosen:
                page = million.Endpoint(name, user, template, "api" if api else "")
                rps, p50, _p95, errors = drive(
                    base, page, template.format(**context), args
                )
                million.say(f"round {round_ + 1}: {name}: {rps:.1f} rps, "
                            f"p50 {p50:.1f} ms, {errors} errors")  # fmt: skip
                rates[name].append(rps)
                p50s[name].append(p50)
    finally:
        million.stop(proc)
    return report(chosen, rates, p50s, args)


def drive(base: str, page, path: str, args) -> tuple[float, float, float, int]:
    """wrk when installed, else a small keep-alive client in threads."""
    if shutil.which("wrk"):
        return million.drive(base, page, path, args)
    headers = million.headers_for(page.user, page.group == "api")
    threaded(base, path, headers, 2)  # warm every worker
    return threaded(base, path, headers, args.duration, args.connections)


def threaded(
    base: str, path: str, headers: dict, seconds: float, connections: int = 8
) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p95 ms, errors): `connections` threads, each with
    one keep-alive connection, asking `path` as fast as answers come."""
    host, port = base.removeprefix("http://").split(":")
    times: list[float] = []
    errors = [0]
    stop_at = time.perf_counter() + seconds

    def one() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except OSError:
                errors[0] += 1
                conn.close()
            times.append((time.perf_counter() - started) * 1000)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=one) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if not times:
        return 0.0, 0.0, 0.0, errors[0]
    return (
        len(times) / elapsed,
        statistics.median(times),
        million.percentile(times, 95),
        errors[0],
    )


def report(chosen, rates, p50s, args) -> int:
    mean = {name: statistics.mean(values) for name, values in rates.items()}
    bare = mean.get("bare Django view, 50 rows")
    print(f"\n{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"{args.rounds} × {args.duration} s per endpoint, "
          f"{args.connections} connections")  # fmt: skip
    print(f"{'endpoint':32} {'rps':>8} {'p50 ms':>8} {'÷ bare Django':>14} "
          f"{'÷ its ceiling':>14}")  # fmt: skip
    missed = []
    for name, *_, ceiling in chosen:
        ratio_bare = f"{mean[name] / bare:.0%}" if bare else ""
        ratio = ""
        if ceiling and ceiling in mean and mean[ceiling]:
            value = mean[name] / mean[ceiling]
            ratio = f"{value:.0%}" + ("" if value >= TARGET else " MISSED")
            if value < TARGET:
                missed.append(name)
        print(f"{name:32} {mean[name]:8.1f} {statistics.mean(p50s[name]):8.1f} "
              f"{ratio_bare:>14} {ratio:>14}")  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps({"rps": rates, "p50": p50s}, indent=1))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
