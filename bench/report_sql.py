"""The reports' hand-built SQL against the same query through the ORM.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reports \\
        .venv/bin/python bench/report_sql.py --runs 15

`reports.selectors.rollup_sql._select` sums rollup rows with one plain
`SELECT … SUM(…) GROUP BY …` read by a cursor. This script runs each report
question (the summary over the last 365 days by every grouping, the store
page, the case page's store history) both ways — `_select` as it is, and
`orm_select` below, the same query written with `values().annotate(Sum())` —
checks that both give the same figures, and prints the median time of each
(the whole selector call, in process, warm). Run it on a database seeded by
bench/reports.py (or `seed_demo`); it writes nothing. Not part of the suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log


def orm_select(query, filters, groups, names, cells) -> list[tuple[Any, ...]]:
    """`rollup_sql._select` through the ORM: the same rows."""
    from django.db.models import Q, Sum
    from django.db.models.functions import TruncMonth, TruncWeek

    from reports.cuboids import DIM_COLUMNS
    from reports.models import Rollup

    where = Q()
    for cuboid, start, end in cells:
        cell = Q(cuboid=cuboid)
        if start:
            cell &= Q(period__gte=start)
        if end:
            cell &= Q(period__lte=end)
        where |= cell
    qs = Rollup.objects.filter(where, **{DIM_COLUMNS[d]: v for d, v in filters.items()})
    if query.stores is not None:
        qs = qs.filter(store_id__in=sorted(query.stores))
    sums = {f"sum_{n}": Sum(n) for n in names}
    if not groups:
        row = qs.aggregate(**sums)
        return [tuple(row[f"sum_{n}"] for n in names)]
    truncated = {"week": TruncWeek, "month": TruncMonth}
    by = []
    for group in groups:
        if group in truncated:
            qs = qs.annotate(**{f"g_{group}": truncated[group]("period")})
            by.append(f"g_{group}")
        else:
            by.append("period" if group == "day" else DIM_COLUMNS[group])
    rows = qs.values(*by).annotate(**sums).values_list(*by, *sums)
    return list(rows)


def median_ms(call: Callable[[], object], runs: int) -> float:
    call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def questions() -> list[tuple[str, Callable[[], object]]]:
    from datetime import timedelta

    from django.db.models import Count
    from django.utils import timezone

    from disputes.models import Dispute
    from reports.analysis import store_against_category
    from reports.measures import local_day
    from reports.selectors import Query, summary
    from reports.selectors.stores import store_history
    from stores.models import Store

    today = local_day(timezone.now())
    start = today - timedelta(days=364)
    out: list[tuple[str, Callable[[], object]]] = []
    for group in ("month", "week", "day", "store", "category", "region", "reason",
                  "agent"):  # fmt: skip
        q = Query(group_by=group, date_from=start, date_to=today)
        out.append((f"summary by {group}, last 365 days", lambda q=q: summary(q)))
    largest = Dispute.objects.values("store_id").annotate(n=Count("id"))
    store = Store.objects.get(pk=largest.order_by("-n")[0]["store_id"])
    out.append(
        ("store page (12 months, category)",
         lambda: store_against_category(store=store, today=today))
    )  # fmt: skip
    case = Dispute.objects.filter(store=store).order_by("-id")[0]
    out.append(("case page's store history", lambda: store_history(dispute=case)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    setup()
    from django.db import connection

    from reports.selectors import sums

    raw = sums._select
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"{'question':42} {'SQL ms':>8} {'ORM ms':>8}")
    for name, call in questions():
        sums._select = raw
        expected = call()
        sql_ms = median_ms(call, args.runs)
        sums._select = orm_select
        got = call()
        orm_ms = median_ms(call, args.runs)
        sums._select = raw
        same = "" if got == expected else "  DIFFERENT RESULTS"
        print(f"{name:42} {sql_ms:8.1f} {orm_ms:8.1f}{same}")


if __name__ == "__main__":
    main()
