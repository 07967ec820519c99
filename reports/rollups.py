"""Keep the rollups exact: apply what a case or an order changes, or rebuild."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max, Min, QuerySet
from django.db.models.functions import TruncDate

from core.bulkrows import Table, copy_data, copy_in, insert_rows
from disputes.models import Dispute
from orders.models import Order

from .cuboids import (
    BLANK,
    BY_ID,
    CUBOIDS,
    DIM_COLUMNS,
    DIMENSIONS,
    FINEST,
    STORE_DIMS,
    Cuboid,
)
from .measures import CASE_MEASURES, MEASURES, case_measures, local_day, platform_tz
from .models import BUYER_MEASURES, BuyerDay, CaseContribution, Rollup

# A cell is one cuboid, period and dimension key; its figures may be spread
# over several rows (shards) that the reports add up.
CELL_COLUMNS = ("cuboid", "period", *(DIM_COLUMNS[d] for d in DIMENSIONS))
KEY_COLUMNS = (*CELL_COLUMNS, "shard")
# The cells without a store are shared by every case of a day or month: a
# change writes to one of SHARDS rows, chosen by the case (or order) id, so
# concurrent writers rarely wait on each other's row lock. A store's cells
# are written by that store's cases only and keep one row.
SHARDS = 8
Cells = dict[tuple, dict[str, int]]


def case_dims(case: Dispute) -> dict:
    """The day a case counts in and its dimension values."""
    return {
        "day": local_day(case.opened_at),
        "store": case.store_id,
        "category": case.store.category_id,
        "region": case.store.region,
        "reason": case.reason,
        "agent": case.assigned_to_id or 0,
    }


def shard_of(cuboid: Cuboid, row_id: int) -> int:
    """The row of a shared cell that the case or order `row_id` writes to."""
    return 0 if cuboid.dims & STORE_DIMS else row_id % SHARDS


def add_cells(
    cells: Cells, dims: dict, measures: dict[str, int], sign: int, row_id: int = 0
) -> None:
    """Add `measures` × `sign` to every cuboid cell the dimensions fall in."""
    for cuboid in CUBOIDS:
        if "cases" not in measures and not cuboid.has_orders:
            continue  # orders only live where there is no reason or agent
        key = (
            cuboid.id,
            cuboid.period(dims["day"]),
            *(dims[d] if d in cuboid.dims else BLANK[d] for d in DIMENSIONS),
            shard_of(cuboid, row_id),
        )
        cell = cells[key] if key in cells else cells.setdefault(key, {})
        for name, value in measures.items():
            cell[name] = cell.get(name, 0) + sign * value


def apply_cells(cells: Cells) -> None:
    """Add the deltas to the rollup rows in one upsert (rows in a fixed order)."""
    rows = []
    for key in sorted(cells, key=lambda k: tuple(str(p) for p in k)):
        delta = {k: v for k, v in cells[key].items() if v}
        if delta:
            rows.append((key, delta))
    if not rows:
        return
    names = sorted({name for _key, delta in rows for name in delta})
    ops, qn = connection.ops, connection.ops.quote_name
    table = qn(Rollup._meta.db_table)
    columns = [*KEY_COLUMNS, *names]
    params: list = []
    for key, delta in rows:
        params += [key[0], ops.adapt_datefield_value(key[1]), *key[2:]]
        params += [delta.get(name, 0) for name in names]
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(f"{qn(n)} = {table}.{qn(n)} + excluded.{qn(n)}" for n in names)
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) "
        f"VALUES {', '.join([one] * len(rows))} "
        f"ON CONFLICT ({', '.join(qn(c) for c in KEY_COLUMNS)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _contribution_dims(row: CaseContribution) -> dict:
    return {
        "day": row.day,
        "store": row.store_id,
        "category": row.category_id,
        "region": row.region,
        "reason": row.reason,
        "agent": row.agent_id,
    }


def case_refresh(*, dispute_id: int) -> bool:
    """Bring the rollups in line with the case as saved; True when they changed.

    Runs inside the transaction that changed the case. The case row is locked
    (again: its writer holds it already) before what it last contributed, the
    lock order of every case writer, and read afresh (the caller's copy may
    be stale).
    """
    case = (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("store")
        .get(pk=dispute_id)
    )
    old = CaseContribution.objects.select_for_update().filter(pk=dispute_id).first()
    dims, measures = case_dims(case), case_measures(case)
    if old is not None and (_contribution_dims(old), old.measures) == (
        dims,
        measures,
    ):
        return False
    cells: Cells = defaultdict(dict)
    if old is not None:
        add_cells(cells, _contribution_dims(old), old.measures, -1, dispute_id)
    add_cells(cells, dims, measures, +1, dispute_id)
    apply_cells(cells)
    buyer_days: Cells = defaultdict(dict)
    if old is not None:
        add_buyer_day(buyer_days, case.buyer_id, old.day, old.measures, -1)
    add_buyer_day(buyer_days, case.buyer_id, dims["day"], measures, +1)
    apply_buyer_days(buyer_days)
    CaseContribution.objects.update_or_create(
        dispute_id=dispute_id, defaults=_contribution_fields(dims, measures)
    )
    return True


# A buyer's days (`BuyerDay`): the same contribution, keyed by buyer and day.
# A case's buyer never changes, so its old and new contribution count for the
# same buyer.


def add_buyer_day(
    days: Cells, buyer_id: int, day: date, measures: dict[str, int], sign: int
) -> None:
    cell = days.setdefault((buyer_id, day), {})
    for name in BUYER_MEASURES:
        if measures.get(name):
            cell[name] = cell.get(name, 0) + sign * measures[name]


def apply_buyer_days(days: Cells) -> None:
    """Add the deltas to the buyers' day rows in one upsert."""
    rows = [(key, delta) for key, delta in sorted(days.items()) if any(delta.values())]
    if not rows:
        return
    ops, qn = connection.ops, connection.ops.quote_name
    table = qn(BuyerDay._meta.db_table)
    names = list(BUYER_MEASURES)
    params: list = []
    for (buyer_id, day), delta in rows:
        params += [buyer_id, ops.adapt_datefield_value(day)]
        params += [delta.get(name, 0) for name in names]
    one = "(" + ", ".join(["%s"] * (len(names) + 2)) + ")"
    updates = ", ".join(f"{qn(n)} = {table}.{qn(n)} + excluded.{qn(n)}" for n in names)
    sql = (
        f"INSERT INTO {table} (buyer_id, day, {', '.join(qn(n) for n in names)}) "
        f"VALUES {', '.join([one] * len(rows))} "
        f"ON CONFLICT (buyer_id, day) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rebuild_buyer_days(
    first: date | None = None, following: date | None = None
) -> None:
    """The buyers' days from the contributions (the days in [first, following),
    or all): what every case of those days adds, summed per buyer and day."""
    qn = connection.ops.quote_name
    table = qn(BuyerDay._meta.db_table)
    source = qn(CaseContribution._meta.db_table)
    cases = qn(Dispute._meta.db_table)
    names = [qn(n) for n in BUYER_MEASURES]
    sums = ", ".join(
        f"SUM(COALESCE(CAST(c.measures ->> '{n}' AS integer), 0))"
        for n in BUYER_MEASURES
    )
    where, params = "", []
    if first is not None and following is not None:
        ops = connection.ops
        where = "WHERE c.day >= %s AND c.day < %s"
        params = [
            ops.adapt_datefield_value(first),
            ops.adapt_datefield_value(following),
        ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} " + (where.replace("c.day", "day") if where else ""),
            params,
        )
        cursor.execute(
            f"INSERT INTO {table} (buyer_id, day, {', '.join(names)}) "
            f"SELECT d.buyer_id, c.day, {sums} FROM {source} c "
            f"JOIN {cases} d ON d.id = c.dispute_id {where} "
            "GROUP BY d.buyer_id, c.day",
            params,
        )


def _contribution_fields(dims: dict, measures: dict) -> dict:
    return {
        "day": dims["day"],
        "store_id": dims["store"],
        "category_id": dims["category"],
        "region": dims["region"],
        "reason": dims["reason"],
        "agent_id": dims["agent"],
        "measures": measures,
    }


def order_dims(order: Order) -> dict:
    store = order.store
    return {
        "day": local_day(order.placed_at),
        "store": store.pk,
        "category": store.category_id,
        "region": store.region,
        "reason": "",
        "agent": 0,
    }


def order_count(dims: dict, sign: int, order_id: int = 0) -> None:
    """Count an order placed (+1) or taken back (-1) on its day and store."""
    cells: Cells = defaultdict(dict)
    add_cells(cells, dims, {"orders": 1}, sign, order_id)
    apply_cells(cells)


# Rebuilding from the raw tables, a month at a time.


def _months(start: date, end: date) -> Iterable[tuple[date, date]]:
    month = start.replace(day=1)
    while month <= end:
        following = (month + timedelta(days=32)).replace(day=1)
        yield month, following
        month = following


def _span() -> tuple[date, date] | None:
    cases = Dispute.objects.aggregate(first=Min("opened_at"), last=Max("opened_at"))
    orders = Order.objects.aggregate(first=Min("placed_at"), last=Max("placed_at"))
    firsts = [v for v in (cases["first"], orders["first"]) if v]
    lasts = [v for v in (cases["last"], orders["last"]) if v]
    if not firsts:
        return None
    return local_day(min(firsts)), local_day(max(lasts))


def rebuild(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    contributions_current: bool = False,
) -> int:
    """Recompute the rollups of whole months from the raw tables; cases counted.

    Each month is rebuilt in its own transaction (its cases locked on
    PostgreSQL), so running it again, or while cases change, stays exact.
    `contributions_current`: every case's contribution is already written
    (a bulk load wrote them with the cases): the cells are summed from them
    without reading the cases again.
    """
    span = _span()
    if span is None:
        Rollup.objects.all().delete()
        BuyerDay.objects.all().delete()
        CaseContribution.objects.all().delete()
        return 0
    start = max(date_from or span[0], span[0]).replace(day=1)
    end = min(date_to or span[1], span[1])
    months = list(_months(start, end))
    done = 0
    for index, (first, following) in enumerate(months):
        done += _rebuild_month(first, following, contributions_current)
        if progress:
            progress(index + 1, len(months))
    return done


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time.min, platform_tz())


# What the rebuild reads of a case: the fields `case_dims` and `case_measures` use.
CASE_FIELDS = (
    "id",
    "opened_at",
    "store_id",
    "store__category_id",
    "store__region",
    "reason",
    "assigned_to_id",
    "state",
    "resolution",
    "settles_as",
    "outcome",
    "liability",
    "intervened_at",
    "merchant_responded_at",
    "merchant_deadline_at",
    "taken_at",
    "ruled_at",
    "closed_at",
    "pickup_breached_at",
    "ruling_breached_at",
    "return_refused_at",
)


class _CaseRow:
    """A case read as plain values, with the attributes the measures ask for."""

    def __init__(self, values: tuple) -> None:
        row = dict(zip(CASE_FIELDS, values, strict=True))
        self.store = SimpleNamespace(
            category_id=row.pop("store__category_id"),
            region=row.pop("store__region"),
        )
        self.__dict__.update(row)


def _rebuild_month(first: date, following: date, contributions_current: bool) -> int:
    """One month, in one transaction: contributions in Python, cells in SQL.

    Each case's contribution is computed by the same pure functions that keep
    the rollups live (`case_dims`, `case_measures`) and written in bulk; the
    finest cuboid is then summed from the contributions and every coarser
    cuboid from a finer one by the database, orders counted in between.
    """
    window = {"gte": _local_start(first), "lt": _local_start(following)}
    with transaction.atomic():
        count = 0 if contributions_current else _contribute_month(window)
        Rollup.objects.filter(period__gte=first, period__lt=following).delete()
        _sum_contributions(first, following)
        rebuild_buyer_days(first, following)
        _derive(FINEST, BY_ID[_STORE_DAY], first)
        _count_orders(window)
        for cuboid in reversed(CUBOIDS):
            if cuboid.id not in (FINEST.id, _STORE_DAY):
                _derive(_source_for(cuboid), cuboid, first)
    return count


def _contribute_month(window: dict) -> int:
    """Replace the contributions of the month's cases; how many there are."""
    cases = Dispute.objects.filter(
        opened_at__gte=window["gte"], opened_at__lt=window["lt"]
    )
    if connection.features.has_select_for_update:
        # Each case is locked as it is read, and its contribution
        # replaced only then; the month's cells go once every case is
        # locked: a concurrent action either committed before (and is
        # read here) or waits until this month is rebuilt.
        cases = cases.select_for_update(of=("self",))
    count = 0
    for chunk in _chunked(cases.order_by().values_list(*CASE_FIELDS), 5000):
        rows = [_contribution(values) for values in chunk]
        ids = [row[0] for row in rows]
        CaseContribution.objects.filter(dispute_id__in=ids).delete()
        _insert_contributions(rows)
        count += len(rows)
    return count


# The cuboid orders are counted into (every store dimension, by day); the
# coarser cuboids with orders are summed from it.
_STORE_DAY = 9


def _source_for(target: Cuboid) -> Cuboid:
    """The smallest cuboid built before `target` that holds everything it needs.

    Cuboids are built from the last (finest) to the first, so a source is one
    further down the list.
    """
    for cuboid in CUBOIDS:
        if (
            cuboid.id > target.id
            and cuboid.covers(set(target.dims), target.grain)
            and (cuboid.has_orders or not target.has_orders)
        ):
            return cuboid
    raise ValueError(f"nothing to build cuboid {target.id} from")


def _chunked(cases: QuerySet[Any, tuple], size: int) -> Iterator[list[tuple]]:
    """The rows of `cases` in lists of `size` (memory stays flat)."""
    chunk: list[tuple] = []
    for values in cases.iterator(chunk_size=size):
        chunk.append(values)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def case_contribution(case) -> dict:
    """What one case adds to the rollups: `CaseContribution`'s fields but the case.

    `case` is a `Dispute` or anything with the attributes `case_dims` and
    `case_measures` read (the rebuild's rows, the demo seeder's).
    """
    return _contribution_fields(case_dims(case), case_measures(case))


def _contribution(values: tuple) -> tuple:
    """One case's contribution row (the columns of `_CONTRIBUTIONS`)."""
    case = _CaseRow(values)
    fields = case_contribution(case)
    return (case.id, *(fields[f.attname] for f in _CONTRIBUTIONS.fields[1:]))  # type: ignore[attr-defined]


_CONTRIBUTIONS = Table(CaseContribution, [])


def _insert_contributions(chunk: list[tuple]) -> int:
    if chunk:
        if connection.vendor == "postgresql":
            copy_in(_CONTRIBUTIONS, copy_data(_CONTRIBUTIONS, chunk))
        else:
            insert_rows(_CONTRIBUTIONS, chunk)
    return len(chunk)


def _sum_contributions(first: date, following: date) -> None:
    """The finest cuboid of the month: the contributions summed per cell."""
    qn = connection.ops.quote_name
    table = qn(Rollup._meta.db_table)
    source = qn(CaseContribution._meta.db_table)
    dims = [DIM_COLUMNS[d] for d in DIMENSIONS]
    sums = ", ".join(
        f"SUM(COALESCE(CAST(measures ->> '{m}' AS integer), 0))" for m in CASE_MEASURES
    )
    sql = (
        f"INSERT INTO {table} (cuboid, period, {', '.join(dims)}, "
        f"{', '.join(qn(m) for m in CASE_MEASURES)}) "
        f"SELECT %s, day, {', '.join(dims)}, {sums} FROM {source} "
        f"WHERE day >= %s AND day < %s GROUP BY day, {', '.join(dims)}"
    )
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                FINEST.id,
                ops.adapt_datefield_value(first),
                ops.adapt_datefield_value(following),
            ],
        )


def _derive(source: Cuboid, target: Cuboid, first: date) -> None:
    """Sum `target`'s cells of the month from the finer cuboid `source`."""
    qn = connection.ops.quote_name
    table = qn(Rollup._meta.db_table)
    names = [qn(m) for m in MEASURES]
    kept = [DIM_COLUMNS[d] for d in DIMENSIONS if d in target.dims]
    columns = [DIM_COLUMNS[d] for d in DIMENSIONS]
    selected = [DIM_COLUMNS[d] if d in target.dims else "%s" for d in DIMENSIONS]
    blanks = [BLANK[d] for d in DIMENSIONS if d not in target.dims]
    month = target.grain == "month"
    period = "%s" if month else "period"
    group = ", ".join(kept + ([] if month else ["period"])) or "cuboid"
    following = (first + timedelta(days=32)).replace(day=1)
    ops = connection.ops
    sql = (
        f"INSERT INTO {table} (cuboid, period, {', '.join(columns)}, "
        f"{', '.join(names)}) "
        f"SELECT %s, {period}, {', '.join(selected)}, "
        f"{', '.join(f'SUM({n})' for n in names)} FROM {table} "
        f"WHERE cuboid = %s AND period >= %s AND period < %s GROUP BY {group}"
    )
    params: list = [target.id]
    if month:
        params.append(ops.adapt_datefield_value(first))
    params += blanks
    params += [
        source.id,
        ops.adapt_datefield_value(first),
        ops.adapt_datefield_value(following),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _count_orders(window: dict) -> None:
    """Add the month's orders to the store-by-day cuboid (one INSERT … SELECT)."""
    placed = (
        Order.objects.filter(placed_at__gte=window["gte"], placed_at__lt=window["lt"])
        .annotate(day=TruncDate("placed_at", tzinfo=platform_tz()))
        .values("day", "store_id", "store__category_id", "store__region")
        .annotate(n=Count("id"))
        .order_by()
    )
    select, params = placed.query.sql_with_params()
    values: list[Any] = [_STORE_DAY, BLANK["reason"], BLANK["agent"], *params]
    qn = connection.ops.quote_name
    table = qn(Rollup._meta.db_table)
    keys = ", ".join(qn(c) for c in KEY_COLUMNS)
    # WHERE true: SQLite needs it to tell the upsert from a join condition.
    sql = (
        f"INSERT INTO {table} ({keys}, orders) "
        f"SELECT %s, day, store_id, {qn('store__category_id')}, "
        f"{qn('store__region')}, %s, %s, 0, n "
        f"FROM ({select}) placed "
        f"WHERE true ON CONFLICT ({keys}) "
        f"DO UPDATE SET orders = {table}.orders + excluded.orders"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
