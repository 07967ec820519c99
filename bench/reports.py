"""Time every report: the summary API over a year, each page, the agents' case page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reports \\
        .venv/bin/python bench/reports.py --cases 100000

Builds the demo data set with `--cases` cases when the database has none
(seed_demo, which also rolls the reports up), or reuses it; `--rebuild` runs
rebuild_report_rollups first (e.g. on a database seeded before the rollups
existed). Each request runs once to warm up, then `--runs` times; the median
is printed in milliseconds next to its target. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"api": 100, "page": 300, "case": 100}


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log
    settings.ALLOWED_HOSTS = ["*"]


def prepare(cases: int, rebuild: bool) -> None:
    from django.core.management import call_command

    from demo.seeding import seed_demo
    from disputes.models import Dispute
    from reports.models import Rollup

    call_command("migrate", verbosity=0)
    if not Dispute.objects.exists():
        started = time.monotonic()
        seed_demo(cases=cases)
        print(f"seeded {cases:,} cases in {time.monotonic() - started:.0f} s")
    if rebuild or not Rollup.objects.exists():
        started = time.monotonic()
        call_command("rebuild_report_rollups", "--no-progress")
        print(f"rebuilt the rollups in {time.monotonic() - started:.0f} s")


def timed(client, url: str, runs: int) -> float:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def requests() -> list[tuple[str, str, str]]:
    """(kind, name, url) for every report over the last whole year."""
    from django.db.models import Count
    from django.utils import timezone

    from disputes.models import Dispute
    from reports.measures import local_day

    today = local_day(timezone.now())
    year = f"date_from={today.year - 1}-{today.month:02d}-01&date_to={today:%Y-%m-%d}"
    whole = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    months = f"date_from={whole.replace(year=whole.year - 1):%Y-%m-%d}"
    months += f"&date_to={today.replace(day=1) - timedelta(days=1):%Y-%m-%d}"
    out = []
    for group in ("month", "week", "day", "store", "category", "region", "reason",
                  "agent"):  # fmt: skip
        out.append(("api", f"summary {group}, last 365 days",
                    f"/api/v1/reports/summary/?group_by={group}&{year}"))  # fmt: skip
    out.append(("api", "summary store, 12 whole months",
                f"/api/v1/reports/summary/?group_by=store&{months}"))  # fmt: skip
    out.append(("api", "summary month, one category and reason",
                f"/api/v1/reports/summary/?group_by=month&{year}&reason=quality"
                "&category=apparel"))  # fmt: skip
    out.append(("api", "intervention (old API) month",
                f"/api/v1/reports/intervention/?group_by=month&{year}"))  # fmt: skip
    for name, path in (
        ("overview", "/reports/"),
        ("breakdown store", "/reports/breakdown/?group_by=store"),
        ("breakdown week", "/reports/breakdown/?group_by=week"),
        ("service", "/reports/service/?group_by=month"),
        ("outliers", "/reports/outliers/"),
        ("agents", "/reports/agents/"),
    ):
        sep = "&" if "?" in path else "?"
        out.append(("page", f"{name}, last 365 days", f"{path}{sep}{year}"))
    out.append(("page", "overview CSV", f"/reports/?{year}&format=csv"))
    largest = (
        Dispute.objects.values("store_id").annotate(n=Count("id")).order_by("-n")[0]
    )
    case = Dispute.objects.filter(store_id=largest["store_id"]).order_by("-id")[0]
    out.append(("case", f"agents' case page, largest store ({largest['n']:,} cases)",
                f"/admin/disputes/dispute/{case.pk}/change/"))  # fmt: skip
    out.append(("merchant", "merchant store page (store 1)", "/reports/store/"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    setup()
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from disputes.models import Dispute

    prepare(args.cases, args.rebuild)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, "
          f"{Dispute.objects.count():,} cases")  # fmt: skip
    clients = {}
    for kind, username in (("manager1", "manager1"), ("agent1", "agent1"),
                           ("merchant1", "merchant1")):  # fmt: skip
        clients[kind] = Client()
        clients[kind].force_login(User.objects.get(username=username))
    for kind, name, url in requests():
        who = {"case": "agent1", "merchant": "merchant1"}.get(kind, "manager1")
        client = clients[who]
        ms = timed(client, url, args.runs)
        target = TARGETS.get(kind)
        verdict = "" if target is None else ("ok" if ms <= target else "SLOW")
        limit = f"<= {target} ms" if target else ""
        print(f"{ms:8.1f} ms  {name:58} {limit:10} {verdict}")
    history_alone(args.runs)


def history_alone(runs: int) -> None:
    """The case page's 90-day party history by itself, for the largest store."""
    from django.db.models import Count

    from disputes.models import Dispute
    from workbench.queues import party_history

    largest = Dispute.objects.values("store_id").annotate(n=Count("id"))
    store_id = largest.order_by("-n")[0]["store_id"]
    case = Dispute.objects.filter(store_id=store_id).order_by("-id")[0]
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        party_history(dispute=case)
        times.append((time.perf_counter() - started) * 1000)
    ms = statistics.median(times[1:])
    print(f"{ms:8.1f} ms  {'party history alone (largest store)':58}")


if __name__ == "__main__":
    main()
