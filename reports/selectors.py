"""Every report figure, computed once from the rollups; pages, CSV and API share it.

Nothing here reads the case table: sums come from the smallest rollup cuboid
that keeps the dimensions a question needs (`reports.cuboids`), and the
figures are derived from those sums by `figures()`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from itertools import accumulate, pairwise
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, connections, router
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from disputes.choices import Reason, Resolution
from stores.models import Category, Store

from .cuboids import DIM_COLUMNS, DIMENSIONS, cuboid_for
from .definitions import definitions
from .measures import (
    BUCKET_EDGES,
    CASE_MEASURES,
    RESOLUTION_COLUMNS,
    bucket_column,
    case_measures,
    local_day,
)
from .models import Rollup

if TYPE_CHECKING:
    from disputes.models import Dispute

PERIODS = ("day", "week", "month")
GROUP_BY = (*PERIODS, *DIMENSIONS)
MAX_FILLED_PERIODS = 1000
Sums = dict[str, int]
Key = tuple[Any, ...]  # a group's values (a period, a store id, …)
Row = tuple[Any, ...]  # a database row: the group's values, then its sums
Figures = dict[str, Any]


@dataclass(frozen=True)
class Query:
    """One report question: a grouping, a window and dimension filters.

    Filter values are already checked: `store`, `category` and `agent` are ids
    (agent 0 means no agent yet), `region` a province, `reason` a reason code.
    `stores` limits everything to those stores (a merchant's own).
    """

    group_by: str = "month"
    date_from: date | None = None
    date_to: date | None = None
    store: int | None = None
    category: int | None = None
    region: str | None = None
    reason: str | None = None
    agent: int | None = None
    stores: frozenset[int] | None = None

    def filters(self) -> dict[str, object]:
        return {d: getattr(self, d) for d in DIMENSIONS if getattr(self, d) is not None}

    def previous(self) -> Query | None:
        """The same question over the equally long period just before, if any."""
        if self.date_from is None or self.date_to is None:
            return None
        try:
            days = (self.date_to - self.date_from).days + 1
            start = self.date_from - timedelta(days=days)
        except OverflowError:
            return None
        return replace(self, date_from=start, date_to=self.date_from - timedelta(1))


def _month_end(day: date) -> date:
    if day >= date(9999, 12, 1):
        return date.max
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(1)


# One part of a window: (from, to, grain, sign). A month cuboid row minus the
# day rows a window leaves out is the same sum as the day rows it keeps (the
# figures are additive), so a partial month is read from whichever is
# cheaper: its own days, or the whole month less the days it leaves out.
Part = tuple[date | None, date | None, str, int]


def _data_days(start: date, end: date, horizon: date) -> int:
    """Days of [start, end] that can hold rows (none after `horizon`)."""
    return max(0, (min(end, horizon) - start).days + 1)


def _partial_month(start: date, end: date, horizon: date, monthly: bool) -> list[Part]:
    """The days [start, end] of one month, as its days or as the month less
    the days left out, whichever reads fewer rows (days after `horizon` hold
    none, so there is nothing of them to take away)."""
    first, last = start.replace(day=1), _month_end(start)
    kept = _data_days(start, end, horizon)
    left_out = (start - first).days
    if end < last:
        left_out += _data_days(end + timedelta(days=1), last, horizon)
    if not monthly or last == date.max or left_out >= kept:
        return [(start, end, "day", 1)]
    parts: list[Part] = [(first, last, "month", 1)]
    if start > first and _data_days(first, start - timedelta(days=1), horizon):
        parts.append((first, start - timedelta(days=1), "day", -1))
    if end < last and _data_days(end + timedelta(days=1), last, horizon):
        parts.append((end + timedelta(days=1), last, "day", -1))
    return parts


def _windows(query: Query, group: str | None, monthly: bool = False) -> list[Part]:
    """The window as parts: whole months from the month cuboids, the partial
    months at either end from the day cuboids (added, or taken away from the
    whole month when `monthly`: the question has a month cuboid)."""
    start, end = query.date_from, query.date_to
    if group in ("day", "week"):
        return [(start, end, "day", 1)]
    # No case opens after today: a day later still, for a clock a little behind.
    horizon = local_day(timezone.now()) + timedelta(days=1)
    parts: list[Part] = []
    if start and start.day != 1:
        head_end = _month_end(start) if end is None else min(_month_end(start), end)
        parts += _partial_month(start, head_end, horizon, monthly)
        if head_end == date.max or (end and head_end >= end):
            return parts
        start = head_end + timedelta(days=1)
    tail = None
    if end and end != _month_end(end):
        tail = (max(end.replace(day=1), start) if start else end.replace(day=1), end)
        end = tail[0] - timedelta(days=1)
    if start is None or end is None or start <= end:
        parts.append((start, end, "month", 1))
    if tail:
        parts += _partial_month(*tail, horizon, monthly)
    return parts


def period_start(group: str, day: date) -> date:
    if group == "week":
        return day - timedelta(days=day.weekday())
    if group == "month":
        return day.replace(day=1)
    return day


def _sum_table(
    query: Query,
    groups: tuple[str, ...] = (),
    *,
    orders_only: bool = False,
    names: tuple[str, ...] | None = None,
) -> tuple[tuple[str, ...], dict[Key, tuple[int, ...]]]:
    """Summed rollup figures per tuple of group values (() without groups),
    as the measures' names and a tuple of sums in that order per group.

    One query, summed by the database; `names` limits the measures read
    (every case measure, and orders where the cuboid keeps them, by default;
    orders are dropped from `names` where the cuboid does not keep them).
    A group whose every sum is zero is left out, as a rebuild would.
    """
    filters = query.filters()
    if orders_only:
        filters = {d: v for d, v in filters.items() if d not in ("reason", "agent")}
    dims = set(filters) | {g for g in groups if g in DIMENSIONS}
    if query.stores is not None:
        dims.add("store")
    periods = [g for g in groups if g in PERIODS]
    cuboids = {g: cuboid_for(dims, g, orders=orders_only) for g in ("day", "month")}
    monthly = cuboids["month"].grain == "month"
    parts = _windows(query, periods[0] if periods else None, monthly)
    if names is None:
        names = ("orders",) if orders_only else CASE_MEASURES
        if not orders_only and all(c.has_orders for c in cuboids.values()):
            names = (*names, "orders")
    elif not orders_only and not all(c.has_orders for c in cuboids.values()):
        names = tuple(n for n in names if n != "orders")  # not kept here
    added = [(cuboids[g].id, start, end) for start, end, g, sign in parts if sign > 0]
    taken = [(cuboids[g].id, start, end) for start, end, g, sign in parts if sign < 0]
    rows = _select(query, filters, groups, names, added)
    if taken:  # the days a whole month brought in that the window leaves out
        rows = _subtract(rows, _select(query, filters, groups, names, taken), groups)
    if not groups:  # one row, of NULLs when nothing matched
        return names, {(): tuple(v or 0 for v in rows[0])}
    out: dict[Key, tuple[int, ...]] = {}
    width = len(groups)
    dated = any(g in PERIODS for g in groups)
    for row in rows:
        values = row[width:]
        if not any(values):
            continue
        key = row[:width]
        if dated:
            key = tuple(_key(g, v) for g, v in zip(groups, key, strict=True))
        out[key] = values
    return names, out


def _sums(
    query: Query,
    groups: tuple[str, ...] = (),
    *,
    orders_only: bool = False,
    names: tuple[str, ...] | None = None,
) -> dict[Key, Sums]:
    """`_sum_table` with each group's sums by name."""
    names, table = _sum_table(query, groups, orders_only=orders_only, names=names)
    return {key: dict(zip(names, sums, strict=True)) for key, sums in table.items()}


def _select(
    query: Query,
    filters: dict[str, object],
    groups: tuple[str, ...],
    names: tuple[str, ...],
    cells: list[tuple[int, date | None, date | None]],
) -> list[Row]:
    """One query: the rollup rows of `cells` (cuboid, from, to), filtered,
    summed per group by the database (plain SUMs: cheap to plan)."""
    where: list[str] = []
    params: list[Any] = []
    for cuboid, start, end in cells:
        cell = ["cuboid = %s"]
        params.append(cuboid)
        if start:
            cell.append("period >= %s")
            params.append(start)
        if end:
            cell.append("period <= %s")
            params.append(end)
        where.append(f"({' AND '.join(cell)})")
    conditions = [f"({' OR '.join(where)})"]
    for dim, value in filters.items():
        conditions.append(f'"{DIM_COLUMNS[dim]}" = %s')
        params.append(value)
    if query.stores is not None:
        if query.stores:
            marks = ", ".join(["%s"] * len(query.stores))
            conditions.append(f"store_id IN ({marks})")
            params += sorted(query.stores)
        else:
            conditions.append("1 = 0")
    keys = [_group_column(g) for g in groups]
    columns = [*keys, *(f'SUM("{n}")' for n in names)]
    sql = (
        f"SELECT {', '.join(columns)} FROM {Rollup._meta.db_table} "
        f"WHERE {' AND '.join(conditions)}"
    )
    if keys:
        sql += f" GROUP BY {', '.join(keys)}"
    # Through the router, like the ORM: the reports may read a replica.
    with connections[router.db_for_read(Rollup)].cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[Row] = cursor.fetchall()
        return rows


def _subtract(rows: list[Row], less: list[Row], groups: tuple[str, ...]) -> list[Row]:
    """rows minus less, per group (the first len(groups) columns)."""
    width = len(groups)
    if not less:
        return rows
    out = {row[:width]: list(row[width:]) for row in rows}
    for row in less:
        sums = out.setdefault(row[:width], [0] * (len(row) - width))
        for i, value in enumerate(row[width:]):
            sums[i] = (sums[i] or 0) - (value or 0)  # NULLs: no group, no rows
    return [(*key, *sums) for key, sums in out.items()]


def _group_column(group: str) -> str:
    """The SQL of a group's value: a dimension's column, or the period's day,
    week (its Monday) or month (its first day)."""
    if group not in ("week", "month"):
        return f'"{"period" if group == "day" else DIM_COLUMNS[group]}"'
    if connection.vendor == "postgresql":
        return f"date_trunc('{group}', period::timestamp)::date"
    if group == "month":
        return "date(period, 'start of month')"
    return "date(period, '-6 days', 'weekday 1')"


def _key(group: str, value: Any) -> Any:
    if group in PERIODS and isinstance(value, str):
        return date.fromisoformat(value[:10])  # SQLite
    return value


def grouped_sums(
    query: Query, *groups: str, names: tuple[str, ...] | None = None
) -> dict[Key, Sums]:
    """Summed figures per combination of `groups` (periods or dimensions);
    `names` limits the measures read (all by default)."""
    return _sums(query, groups, names=names)


def add_sums(into: Sums, more: Mapping[str, int | None]) -> None:
    for name, value in more.items():
        into[name] = into.get(name, 0) + (value or 0)


# Figures derived from sums.


def _ratio(part: int, whole: int) -> float:
    """part / whole rounded half-even to four places, in integers.

    The same value as Decimal(part) / Decimal(whole) quantized to 0.0001
    (tests/reports/test_ratio.py compares them), at a tenth of the cost:
    a thousand stores' figures are a thousand times seventeen of these.
    """
    quotient, rest = divmod(part * 10_000, whole)
    twice = 2 * rest
    if twice > whole or (twice == whole and quotient & 1):
        quotient += 1
    return quotient / 10_000


def ratio(part: int, whole: int | None) -> float | None:
    """part / whole to four places, or None when there is nothing to divide by."""
    if not whole:
        return None
    return _ratio(part, whole)


HISTOGRAMS = {
    time: tuple(bucket_column(time, i) for i in range(len(BUCKET_EDGES)))
    for time in ("response", "pickup", "ruling", "close")
}
_BUCKETS = {time: itemgetter(*columns) for time, columns in HISTOGRAMS.items()}


def histogram(sums: Mapping[str, int], time: str) -> tuple[int, ...]:
    """The bucket counts of one of the case times (read-only)."""
    try:
        counts: tuple[int, ...] = _BUCKETS[time](sums)
        return counts
    except KeyError:  # sums without some buckets count them as 0
        return tuple(sums.get(column, 0) for column in HISTOGRAMS[time])


_TOP = len(BUCKET_EDGES) - 1  # the open bucket, from 720 h on
_WIDTHS = tuple(high - low for low, high in pairwise(BUCKET_EDGES))


def quantile(
    counts: Sequence[float], q: float, running: list[float] | None = None
) -> float | None:
    """The q-th quantile of a bucketed distribution in hours, to 0.1 h.

    The value lies in the bucket that holds the exact one; inside it the
    cases are taken as evenly spread. The open top bucket gives its start.
    `running` (the cumulative counts) may be passed when already known.
    """
    if running is None:
        running = list(accumulate(counts))
    total = running[-1] if running else 0
    if not total:
        return None
    return _hours_at(counts, running, q * total)


def _hours_at(
    counts: Sequence[float], running: Sequence[float], target: float
) -> float:
    """The hours by which `target` (> 0) cases of the histogram were done."""
    # The first bucket whose running count reaches the target (never an empty
    # one: an empty bucket's running count equals the one before it).
    i = bisect_left(running, target)
    if i == _TOP:
        return float(BUCKET_EDGES[i])
    seen = running[i - 1] if i else 0
    return round(BUCKET_EDGES[i] + _WIDTHS[i] * (target - seen) / counts[i], 1)


def percentile(sums: Mapping[str, int], time: str, q: float) -> float | None:
    """The q-th quantile (0 < q < 1) of one of the case times, in hours."""
    return quantile(histogram(sums, time), q)


_TIME_FIGURES = tuple(
    (time, f"hours_to_{name}_p50", f"hours_to_{name}_p90")
    for name, time in (
        ("first_response", "response"),
        ("pickup", "pickup"),
        ("ruling", "ruling"),
        ("close", "close"),
    )
)
# The counts the figures read, in the order `_figures` unpacks them.
FIGURE_COUNTS = (
    "cases", "interventions", "rulings", "appeals", "overturned",
    "self_settled", "post_settled", "merchant_liable", "buyer_wins",
    "pickup_met", "pickup_missed", "ruling_met", "ruling_missed",
)  # fmt: skip
# What `_figures` reads, in its order: the counts, then the four histograms.
_READ = (
    *FIGURE_COUNTS,
    *(column for time, _p50, _p90 in _TIME_FIGURES for column in HISTOGRAMS[time]),
)
_TIME_SLICES = tuple(
    (p50, p90, slice(start, start + len(BUCKET_EDGES)))
    for (_time, p50, p90), start in zip(
        _TIME_FIGURES,
        range(len(FIGURE_COUNTS), len(_READ), len(BUCKET_EDGES)),
        strict=True,
    )
)
# The measures the figures read (a caller showing only figures sums no more).
FIGURE_MEASURES = (*_READ, "orders")


def figures(sums: Mapping[str, int], orders: int | None) -> Figures:
    """Every figure of the design from summed counts (and orders, when known)."""
    get = sums.get
    return _figures(tuple([get(name, 0) for name in _READ]), orders)


@lru_cache(maxsize=64)
def figure_reader(names: tuple[str, ...]) -> Callable[[Sequence[int]], Sequence[int]]:
    """A function taking sums in the order of `names` to what `_figures`
    reads (a measure `names` lacks counts 0)."""
    if names[: len(_READ)] == _READ:
        return lambda sums: sums  # already in order (FIGURE_MEASURES)
    at = {name: i for i, name in enumerate(names)}
    pick = itemgetter(*(at.get(name, len(names)) for name in _READ))
    return lambda sums: pick((*sums, 0))


def _figures(counts: Sequence[int], orders: int | None) -> Figures:
    """Every figure from the counts in `_READ` order: the one definition.

    Called once per row of a report (1,202 stores in a by-store summary), so
    it unpacks the counts once and divides with `_ratio` directly.
    """
    (
        cases, interventions, rulings, appeals, overturned,
        self_settled, post_settled, merchant_liable, buyer_wins,
        pickup_met, pickup_missed, ruling_met, ruling_missed,
    ) = counts[: len(FIGURE_COUNTS)]  # fmt: skip
    pickup_decided = pickup_met + pickup_missed
    ruling_decided = ruling_met + ruling_missed
    out = {
        "orders": orders,
        "cases": cases,
        "interventions": interventions,
        "rulings": rulings,
        "appeals": appeals,
        "overturns": overturned,
        "dispute_rate": _ratio(cases, orders) if orders else None,
        "intervention_rate": _ratio(interventions, cases) if cases else None,
        "self_settlement_rate": _ratio(self_settled, cases) if cases else None,
        "post_intervention_settlement_rate": (
            _ratio(post_settled, interventions) if interventions else None
        ),
        "merchant_liability_rate": (
            _ratio(merchant_liable, orders) if orders else None
        ),
        "interventions_per_1000_orders": (
            round(interventions * 1000 / orders, 2) if orders else None
        ),
        "buyer_win_rate": _ratio(buyer_wins, rulings) if rulings else None,
        "appeal_rate": _ratio(appeals, rulings) if rulings else None,
        "overturn_rate": _ratio(overturned, appeals) if appeals else None,
        "pickup_sla_compliance": (
            _ratio(pickup_met, pickup_decided) if pickup_decided else None
        ),
        "ruling_sla_compliance": (
            _ratio(ruling_met, ruling_decided) if ruling_decided else None
        ),
    }
    for p50, p90, buckets in _TIME_SLICES:  # `quantile`, inlined: 4,808 calls
        histogram = counts[buckets]
        running = list(accumulate(histogram))
        total = running[-1]
        if total:
            out[p50] = _hours_at(histogram, running, 0.5 * total)
            out[p90] = _hours_at(histogram, running, 0.9 * total)
        else:
            out[p50] = out[p90] = None
    return out


FIGURES = tuple(figures({}, None))


# The summary: every figure per group, with totals and definitions.


def summary(query: Query, names: tuple[str, ...] = FIGURE_MEASURES) -> dict[str, Any]:
    """Every figure per period or dimension value, totals and definitions.

    `names` reads only those measures (without "orders": no orders either);
    the figures that need others are then meaningless, for a caller that
    shows only the ones it asked for (the intervention rate).
    """
    group = query.group_by
    if group not in GROUP_BY:
        raise ValueError(group)
    orders_known = query.agent is None and group != "agent" and "orders" in names
    read, table = _sum_table(query, (group,), names=names)
    sums = {key[0]: values for key, values in table.items()}
    empty = (0,) * len(read)
    orders: dict[Any, int] = {}
    total_orders = None
    if orders_known:
        if group == "reason":  # orders have no reason: every row's are the total
            total_orders = _orders_total(query)
        elif "orders" in read:
            at = read.index("orders")
            orders = {key: values[at] for key, values in sums.items()}
        else:  # this cuboid keeps no orders: the orders cuboid's, by key
            _names, by_key = _sum_table(query, (group,), orders_only=True)
            for key, (count,) in by_key.items():
                orders[key[0]] = count
                sums.setdefault(key[0], empty)
    if group in PERIODS:
        _fill_periods(sums, query, empty)
    if orders_known and total_orders is None:
        total_orders = sum(orders.values())
    total = tuple(map(sum, zip(*sums.values(), strict=True))) if sums else empty
    to_counts = figure_reader(read)
    labels = _labels(group, sums.keys())
    key_names = _key_names(group, sums.keys())
    rows = []
    for key in sorted(sums, key=_sort_key):
        row_orders = None
        if orders_known:
            row_orders = total_orders if group == "reason" else orders.get(key, 0)
        shown = format_key(group, key, key_names)
        rows.append(
            {
                "key": shown,
                "label": labels.get(key, shown),
                **_figures(to_counts(sums[key]), row_orders),
            }
        )
    return {
        "group_by": group,
        "date_from": query.date_from,
        "date_to": query.date_to,
        "time_zone": settings.TIME_ZONE,
        "definitions": definitions(),
        "totals": {
            "key": None,
            "label": _("All"),
            **_figures(to_counts(total), total_orders),
        },
        "rows": rows,
    }


def _orders_total(query: Query) -> int:
    return _sums(query, orders_only=True)[()]["orders"]


def totals(query: Query) -> Figures:
    """Every figure over the whole window (no grouping) and its raw sums."""
    sums = _sums(query)[()]
    orders = None
    if query.agent is None:
        orders = sums["orders"] if "orders" in sums else _orders_total(query)
    return {**figures(sums, orders), "_sums": sums}


def _fill_periods(
    rows: dict[Any, tuple[int, ...]], query: Query, empty: tuple[int, ...]
) -> None:
    """Add the empty periods of the window (up to today), so charts show gaps."""
    keys = [k for k in rows if k is not None]
    start = query.date_from or (min(keys) if keys else None)
    end = max(keys) if keys else None
    if query.date_to:
        today = local_day(timezone.now())
        end = max(end or query.date_to, min(query.date_to, today))
    if start is None or end is None or start > end:
        return
    group = query.group_by
    if keys and (end - start).days > MAX_FILLED_PERIODS:
        start = max(start, min(keys))  # a window of centuries: from the data
    key = period_start(group, start)
    for _i in range(MAX_FILLED_PERIODS):
        if key > end:
            break
        rows.setdefault(key, empty)
        key = _next_period(group, key)


def _next_period(group: str, key: date) -> date:
    if group == "month":
        return (key + timedelta(days=32)).replace(day=1)
    return key + timedelta(days=7 if group == "week" else 1)


def _sort_key(key: Any) -> tuple[bool, str]:
    return (key is None, str(key) if not isinstance(key, int) else f"{key:012d}")


def format_key(
    group: str, key: Any, names: Mapping[Any, str] | None = None
) -> str | int | None:
    """Periods as YYYY-MM-DD (a week: its Monday) or YYYY-MM; a category by its
    code and an agent by username (from `names`); other values as they are."""
    if key is None:
        return None
    if group == "month":
        return f"{key:%Y-%m}"
    if group in PERIODS:
        return f"{key:%Y-%m-%d}"
    if group in ("category", "agent"):
        return (names or {}).get(key)
    shown: str | int = key  # a store id, a region, a reason code
    return shown


def _key_names(group: str, keys: Iterable[Any]) -> dict[Any, str]:
    """Category codes or agents' usernames for their ids, in one query."""
    ids = [k for k in keys if k]
    if group == "category":
        return dict(Category.objects.filter(pk__in=ids).values_list("pk", "code"))
    if group == "agent":
        return dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))
    return {}


def _labels(group: str, keys: Iterable[Any]) -> dict[Any, str]:
    keys = [k for k in keys if k not in (None, "", 0)]
    if group == "store":
        stores = Store.objects.values_list("pk", "name")
        if len(keys) <= 100:
            return dict(stores.filter(pk__in=keys))
        wanted = set(keys)  # most stores: read them all, not a long IN list
        return {pk: name for pk, name in stores if pk in wanted}
    if group == "category":
        return dict(Category.objects.filter(pk__in=keys).values_list("pk", "name"))
    if group == "reason":
        return {k: str(Reason(k).label) for k in keys if k in Reason.values}
    if group == "agent":
        users = User.objects.filter(pk__in=keys).only("username", "display_name")
        return {0: _("Not picked up yet"), **{u.pk: str(u) for u in users}}
    return {}


# Party history on the agents' case page.


HISTORY_MEASURES = (
    "cases", "open_cases", "interventions", "merchant_liable",
    *RESOLUTION_COLUMNS.values(),
)  # fmt: skip


def store_history(*, dispute: Dispute, days: int = 90) -> dict[str, Any]:
    """The store's cases opened in the last `days` days (China time), this one
    excluded: how many, still open, intervened, merchant at fault, how closed."""
    today = local_day(timezone.now())
    since = today - timedelta(days=days - 1)
    query = Query(store=dispute.store_id, date_from=since, date_to=today)
    sums = dict(_sums(query, names=HISTORY_MEASURES)[()])
    if dispute.pk and local_day(dispute.opened_at) >= since:
        for name, value in case_measures(dispute).items():
            sums[name] = sums.get(name, 0) - value
    return {
        "total": sums.get("cases", 0),
        "open": sums.get("open_cases", 0),
        "intervened": sums.get("interventions", 0),
        "merchant_liable": sums.get("merchant_liable", 0),
        "by_resolution": {
            Resolution(code).label: sums[column]
            for code, column in RESOLUTION_COLUMNS.items()
            if sums.get(column)
        },
    }


RESPONSE_MEASURES = ("cases", "response_in_time", *HISTOGRAMS["response"])


def merchant_response_figures(
    *, stores: Iterable[int], days: int = 90
) -> dict[str, Any]:
    """A merchant's answers to the cases opened in the last `days` days
    (China time) in `stores`: how many cases, how many answered, how many by
    the deadline, and the median hours to the first answer (within a bucket
    of the response histogram, like every report time)."""
    today = local_day(timezone.now())
    query = Query(
        date_from=today - timedelta(days=days - 1),
        date_to=today,
        stores=frozenset(stores),
    )
    sums = _sums(query, names=RESPONSE_MEASURES)[()]
    answered = sum(histogram(sums, "response"))
    return {
        "cases": sums["cases"],
        "answered": answered,
        "in_time": sums["response_in_time"],
        "median_hours": percentile(sums, "response", 0.5),
        "in_time_rate": ratio(sums["response_in_time"], answered),
    }


def rate_decimal(value: float | None) -> Decimal:
    """A rate as a four-place decimal, 0 when there is nothing to divide by."""
    return Decimal(str(value or 0)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
