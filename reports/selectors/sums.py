"""Reading the rollups: summed measures per group over a window.

A question is answered from the smallest cuboid that keeps every dimension
it groups or filters by (`reports.cuboids`); its window is read as whole
months and partial ones (`periods._windows`); the database adds the rows up
(`rollup_sql._select`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..cuboids import DIMENSIONS, Cuboid, cuboid_for
from ..measures import CASE_MEASURES
from .periods import _windows
from .query import PERIODS, Key, Query, Row, Sums
from .rollup_sql import Cell, _key, _select


@dataclass(frozen=True)
class _Plan:
    """Where a question's sums come from: the filters, the cells added and the
    cells taken away (days a whole month brought in that the window leaves
    out), and the measures read."""

    filters: dict[str, object]
    names: tuple[str, ...]
    added: list[Cell]
    taken: list[Cell]


def _measures(
    names: tuple[str, ...] | None, cuboids: list[Cuboid], orders_only: bool
) -> tuple[str, ...]:
    """The measures to read: `names`, or every case measure (and orders where
    every cuboid read keeps them); orders only where they are kept."""
    keeps_orders = all(c.has_orders for c in cuboids)
    if orders_only:
        return ("orders",) if names is None else names
    if names is None:
        return (*CASE_MEASURES, "orders") if keeps_orders else CASE_MEASURES
    if keeps_orders:
        return names
    return tuple(n for n in names if n != "orders")  # not kept here


def _plan(
    query: Query,
    groups: tuple[str, ...],
    orders_only: bool,
    names: tuple[str, ...] | None,
    subtract: bool = True,
) -> _Plan:
    filters = query.filters()
    if orders_only:  # orders have no reason and no agent
        filters = {d: v for d, v in filters.items() if d not in ("reason", "agent")}
    dims = set(filters) | {g for g in groups if g in DIMENSIONS}
    if query.stores is not None:
        dims.add("store")
    periods = [g for g in groups if g in PERIODS]
    cuboids = {g: cuboid_for(dims, g, orders=orders_only) for g in ("day", "month")}
    monthly = subtract and cuboids["month"].grain == "month"
    parts = _windows(query, periods[0] if periods else None, monthly)
    return _Plan(
        filters=filters,
        names=_measures(names, list(cuboids.values()), orders_only),
        added=[(cuboids[g].id, start, end) for start, end, g, s in parts if s > 0],
        taken=[(cuboids[g].id, start, end) for start, end, g, s in parts if s < 0],
    )


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


def _by_group(rows: list[Row], groups: tuple[str, ...]) -> dict[Key, tuple[int, ...]]:
    """Each group's sums by its values; a group whose sums are all zero (a
    cell a case moved out of) is left out, as after a rebuild."""
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
    return out


def _sum_table(
    query: Query,
    groups: tuple[str, ...] = (),
    *,
    orders_only: bool = False,
    names: tuple[str, ...] | None = None,
    subtract: bool = True,
) -> tuple[tuple[str, ...], dict[Key, tuple[int, ...]]]:
    """Summed rollup figures per tuple of group values (() without groups),
    as the measures' names and a tuple of sums in that order per group.

    One query, summed by the database; `names` limits the measures read
    (every case measure, and orders where the cuboid keeps them, by default;
    orders are dropped from `names` where the cuboid does not keep them).
    A group whose every sum is zero is left out, as a rebuild would.
    `subtract=False` reads a partial month as its days, never as the whole
    month less the days left out: always one query (for a page whose query
    count is pinned), sometimes more rows.
    """
    plan = _plan(query, groups, orders_only, names, subtract)
    rows = _select(query, plan.filters, groups, plan.names, plan.added)
    if plan.taken:  # the days a whole month brought in that the window leaves out
        less = _select(query, plan.filters, groups, plan.names, plan.taken)
        rows = _subtract(rows, less, groups)
    if not groups:  # one row, of NULLs when nothing matched
        return plan.names, {(): tuple(v or 0 for v in rows[0])}
    return plan.names, _by_group(rows, groups)


def _sums(
    query: Query,
    groups: tuple[str, ...] = (),
    *,
    orders_only: bool = False,
    names: tuple[str, ...] | None = None,
    subtract: bool = True,
) -> dict[Key, Sums]:
    """`_sum_table` with each group's sums by name."""
    names, table = _sum_table(
        query, groups, orders_only=orders_only, names=names, subtract=subtract
    )
    return {key: dict(zip(names, sums, strict=True)) for key, sums in table.items()}


def grouped_sums(
    query: Query,
    *groups: str,
    names: tuple[str, ...] | None = None,
    subtract: bool = True,
) -> dict[Key, Sums]:
    """Summed figures per combination of `groups` (periods or dimensions);
    `names` limits the measures read (all by default); `subtract` as in
    `_sum_table`."""
    return _sums(query, groups, names=names, subtract=subtract)


def _orders_total(query: Query) -> int:
    return _sums(query, orders_only=True)[()]["orders"]


def add_sums(into: Sums, more: Mapping[str, int | None]) -> None:
    for name, value in more.items():
        into[name] = into.get(name, 0) + (value or 0)
