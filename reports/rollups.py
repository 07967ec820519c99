"""Keep the rollups exact: apply what a case or an order changes, or rebuild."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.db.models.functions import TruncDate

from disputes.models import Dispute
from orders.models import Order

from .cuboids import BLANK, CUBOIDS, DIM_COLUMNS, DIMENSIONS
from .measures import case_measures, local_day, platform_tz
from .models import CaseContribution, Rollup

KEY_COLUMNS = ("cuboid", "period", *(DIM_COLUMNS[d] for d in DIMENSIONS))
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


def add_cells(cells: Cells, dims: dict, measures: dict[str, int], sign: int) -> None:
    """Add `measures` × `sign` to every cuboid cell the dimensions fall in."""
    for cuboid in CUBOIDS:
        if "cases" not in measures and not cuboid.has_orders:
            continue  # orders only live where there is no reason or agent
        key = (
            cuboid.id,
            cuboid.period(dims["day"]),
            *(dims[d] if d in cuboid.dims else BLANK[d] for d in DIMENSIONS),
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

    Runs inside the transaction that changed the case. The case is read again
    (the caller's copy may be stale) after locking what it last contributed.
    """
    old = CaseContribution.objects.select_for_update().filter(pk=dispute_id).first()
    case = Dispute.objects.select_related("store").get(pk=dispute_id)
    dims, measures = case_dims(case), case_measures(case)
    if old is not None and (_contribution_dims(old), old.measures) == (
        dims,
        measures,
    ):
        return False
    cells: Cells = defaultdict(dict)
    if old is not None:
        add_cells(cells, _contribution_dims(old), old.measures, -1)
    add_cells(cells, dims, measures, +1)
    apply_cells(cells)
    CaseContribution.objects.update_or_create(
        dispute_id=dispute_id, defaults=_contribution_fields(dims, measures)
    )
    return True


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


def order_count(dims: dict, sign: int) -> None:
    """Count an order placed (+1) or taken back (-1) on its day and store."""
    cells: Cells = defaultdict(dict)
    add_cells(cells, dims, {"orders": 1}, sign)
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
) -> int:
    """Recompute the rollups of whole months from the raw tables; cases counted.

    Each month is rebuilt in its own transaction (its cases locked on
    PostgreSQL), so running it again, or while cases change, stays exact.
    """
    span = _span()
    if span is None:
        Rollup.objects.all().delete()
        CaseContribution.objects.all().delete()
        return 0
    start = max(date_from or span[0], span[0]).replace(day=1)
    end = min(date_to or span[1], span[1])
    months = list(_months(start, end))
    done = 0
    for index, (first, following) in enumerate(months):
        done += _rebuild_month(first, following)
        if progress:
            progress(index + 1, len(months))
    return done


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time.min, platform_tz())


def _rebuild_month(first: date, following: date) -> int:
    window = {"gte": _local_start(first), "lt": _local_start(following)}
    with transaction.atomic():
        cases = Dispute.objects.filter(
            opened_at__gte=window["gte"], opened_at__lt=window["lt"]
        )
        if connection.features.has_select_for_update:
            list(cases.select_for_update(of=("self",)).values_list("pk", flat=True))
        Rollup.objects.filter(period__gte=first, period__lt=following).delete()
        CaseContribution.objects.filter(day__gte=first, day__lt=following).delete()
        cells: Cells = defaultdict(dict)
        contributions = []
        for case in cases.select_related("store").iterator(chunk_size=2000):
            dims, measures = case_dims(case), case_measures(case)
            add_cells(cells, dims, measures, +1)
            contributions.append(
                CaseContribution(
                    dispute_id=case.pk, **_contribution_fields(dims, measures)
                )
            )
        CaseContribution.objects.bulk_create(contributions, batch_size=2000)
        _count_orders(cells, window)
        Rollup.objects.bulk_create(_rows(cells), batch_size=1000)
    return len(contributions)


def _count_orders(cells: Cells, window: dict) -> None:
    placed = (
        Order.objects.filter(placed_at__gte=window["gte"], placed_at__lt=window["lt"])
        .annotate(day=TruncDate("placed_at", tzinfo=platform_tz()))
        .values("day", "store_id", "store__category_id", "store__region")
        .annotate(n=Count("id"))
    )
    for row in placed:
        dims = {
            "day": row["day"],
            "store": row["store_id"],
            "category": row["store__category_id"],
            "region": row["store__region"],
            "reason": "",
            "agent": 0,
        }
        add_cells(cells, dims, {"orders": row["n"]}, +1)


def _rows(cells: Cells) -> Iterable[Rollup]:
    for key, measures in cells.items():
        values = dict(zip(KEY_COLUMNS, key, strict=True))
        yield Rollup(**values, **{k: v for k, v in measures.items() if v})
