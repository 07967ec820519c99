"""The one place the reports write SQL by hand: summing rollup rows.

Everything else in `reports.selectors` uses the ORM. This module builds one
plain `SELECT group, SUM(m1), SUM(m2), … FROM reports_rollup WHERE … GROUP BY
group` per question and reads it with a plain cursor.

Why not the ORM: `Rollup.objects.filter(…).values(*groups).annotate(**{m:
Sum(m)})` gives the same rows, but compiling up to 141 `Sum` expressions and
running a converter on every summed cell costs more than the query. Measured
by bench/report_sql.py (the same selector calls both ways, identical results;
50,000 demo cases on PostgreSQL 15, 200 stores, median ms, 2026-12-07):

| question | this SQL | ORM |
|---|---:|---:|
| summary by month, last 365 days | 5.3 | 36.0 |
| summary by day, last 365 days | 12.5 | 27.4 |
| summary by store, last 365 days | 17.1 | 52.2 |
| summary by region / reason / agent | 19.1 / 6.7 / 9.5 | 45.6 / 30.8 / 27.9 |
| store page (12 months, its category) | 3.0 | 11.0 |
| case page's store history (11 measures) | 0.8 | 5.3 |

On a Django upgrade, check:
- `connections[router.db_for_read(Rollup)]` is still how the ORM picks the
  read database (the reports may read a replica);
- `Rollup._meta.db_table` and the column names (`DIM_COLUMNS`, the measures'
  names, which are their column names: no `db_column` anywhere);
- the backends' week and month truncation: PostgreSQL `date_trunc` on a
  date cast to timestamp, SQLite's `date(…, 'start of month')` and
  `date(…, '-6 days', 'weekday 1')` (the Monday of the week), which SQLite
  returns as text: `_key` turns it into a date;
- then run tests/reports (every figure against hand-counted numbers) on
  SQLite and PostgreSQL, and bench/report_sql.py to see whether the ORM has
  caught up (if it has, replace `_select` by its `orm_select`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connections, router

from ..cuboids import DIM_COLUMNS
from ..models import Rollup
from .query import PERIODS, Query, Row

Cell = tuple[int, date | None, date | None]  # (cuboid, from, to)


def _cells_sql(cells: list[Cell]) -> tuple[str, list[Any]]:
    """`(cuboid = %s AND period >= %s AND period <= %s) OR …`"""
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
    return f"({' OR '.join(where)})", params


def _select(
    query: Query,
    filters: dict[str, object],
    groups: tuple[str, ...],
    names: tuple[str, ...],
    cells: list[Cell],
) -> list[Row]:
    """One query: the rollup rows of `cells` (cuboid, from, to), filtered,
    summed per group by the database (plain SUMs: cheap to plan)."""
    where, params = _cells_sql(cells)
    conditions = [where]
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
    db = connections[router.db_for_read(Rollup)]  # the reports may read a replica
    keys = [_group_column(g, db.vendor) for g in groups]
    columns = [*keys, *(f'SUM("{n}")' for n in names)]
    sql = (
        f"SELECT {', '.join(columns)} FROM {Rollup._meta.db_table} "
        f"WHERE {' AND '.join(conditions)}"
    )
    if keys:
        sql += f" GROUP BY {', '.join(keys)}"
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[Row] = cursor.fetchall()
        return rows


def _group_column(group: str, vendor: str) -> str:
    """The SQL of a group's value: a dimension's column, or the period's day,
    week (its Monday) or month (its first day)."""
    if group not in ("week", "month"):
        return f'"{"period" if group == "day" else DIM_COLUMNS[group]}"'
    if vendor == "postgresql":
        return f"date_trunc('{group}', period::timestamp)::date"
    if group == "month":
        return "date(period, 'start of month')"
    return "date(period, '-6 days', 'weekday 1')"


def _key(group: str, value: Any) -> Any:
    if group in PERIODS and isinstance(value, str):
        return date.fromisoformat(value[:10])  # SQLite
    return value
