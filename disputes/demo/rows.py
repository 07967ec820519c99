"""Write plain rows fast: PostgreSQL `COPY`, `executemany` on other databases.

The bulk builder hands over dicts keyed by attribute name; the writer gives
them ids (so rows can point at each other before they are written), turns
them into tuples in column order with the model's defaults filled in, and
writes a whole chunk per table at once. No model instances, no signals.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, models

_NO_DEFAULT = object()
Batch = list[tuple["Table", list[tuple]]]


class Table:
    """One model's columns, defaults, id counter and waiting rows."""

    def __init__(self, model: type[models.Model], first_id: int) -> None:
        self.model = model
        self.name = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        self.pairs = [(f.attname, _default(f)) for f in self.fields]
        self.defaults = dict(self.pairs)
        self.in_order = operator.itemgetter(*self.defaults)
        self.next_id = first_id
        self.rows: list[tuple] = []

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def add(self, row: dict) -> None:
        if "id" not in row:
            row["id"] = self.new_id()
        self.rows.append(self.in_order({**self.defaults, **row}))


def _default(field: models.Field) -> object:
    if field.has_default() and not callable(field.default):
        return field.default
    if field.null:
        return None
    if field.empty_strings_allowed and not field.has_default():
        return ""
    return _NO_DEFAULT


class RowWriter:
    """Buffers rows per table and writes them in dependency order."""

    def __init__(self, models_in_order: Iterable[type[models.Model]]) -> None:
        self.tables = {m: Table(m, _first_free_id(m)) for m in models_in_order}
        self.written = 0

    def new_id(self, model: type[models.Model]) -> int:
        return self.tables[model].new_id()

    def add(self, model: type[models.Model], row: dict) -> int:
        self.tables[model].add(row)
        return row["id"]

    def take(self) -> Batch:
        """Hand over the waiting rows (the writer starts a new batch)."""
        batch = [(t, t.rows) for t in self.tables.values() if t.rows]
        for table, _rows in batch:
            table.rows = []
        return batch

    def write(self, batch: Batch) -> int:
        """Write a batch taken earlier, table by table; returns the rows written."""
        count = 0
        for table, rows in batch:
            _missing_check(table, rows[0])
            if connection.vendor == "postgresql":
                _copy(table, rows)
            else:
                _insert(table, rows)
            count += len(rows)
        self.written += count
        return count

    def flush(self) -> int:
        """Write every waiting row; returns how many."""
        return self.write(self.take())

    def finish(self) -> None:
        """Point the id sequences past the ids handed out here."""
        sql = connection.ops.sequence_reset_sql(no_style(), list(self.tables))
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def _first_free_id(model: type[models.Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")
        return int(cursor.fetchone()[0])


def _missing_check(table: Table, row: tuple) -> None:
    """Fail clearly when a required value was never set (first row only)."""
    for value, (attname, _d) in zip(row, table.pairs, strict=True):
        if value is _NO_DEFAULT:
            raise ValueError(f"{table.name}.{attname} has no value")


# Binary COPY needs each column's exact type; psycopg names for Django's.
# (Binary, because psycopg formats it in C: text or CSV built in Python,
# even with one join per chunk, measured two to four times slower.)
_PG_TYPES = {
    "integer": "int4",
    "bigint": "int8",
    "smallint": "int2",
    "boolean": "bool",
    "text": "text",
    "varchar": "text",
    "numeric": "numeric",
    "timestamp with time zone": "timestamptz",
}


def _copy(table: Table, rows: list[tuple]) -> None:
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in table.fields)
    types = [_PG_TYPES[f.db_type(connection).split("(")[0]] for f in table.fields]
    sql = f"COPY {qn(table.name)} ({columns}) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.set_types(types)
        write = copy.write_row
        for row in rows:
            write(row)


def _insert(table: Table, rows: list[tuple]) -> None:
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in table.fields)
    marks = ", ".join(["%s"] * len(table.fields))
    sql = f"INSERT INTO {qn(table.name)} ({columns}) VALUES ({marks})"
    prep = [
        (i, f)
        for i, f in enumerate(table.fields)
        if isinstance(f, models.DateTimeField | models.DecimalField)
    ]
    params = []
    for row in rows:
        values = list(row)
        for i, f in prep:
            values[i] = f.get_db_prep_save(values[i], connection)
        params.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


@contextmanager
def constraints_deferred(tables: Iterable[type[models.Model]]) -> Iterator[None]:
    """Drop foreign keys, unique constraints and indexes, recreate them after.

    PostgreSQL only, inside the caller's transaction: loading into bare
    tables and building each index once at the end is much faster than
    maintaining it row by row. Primary keys and check constraints stay.
    """
    if connection.vendor != "postgresql":
        yield
        return
    names = [m._meta.db_table for m in tables]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint
            WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')
            ORDER BY contype DESC
            """,
            [names],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid
              )
            """,
            [names],
        )
        indexes = cursor.fetchall()
        # Check what is pending now: a table with queued deferred checks
        # cannot be altered. Foreign keys go first ('f' sorts before 'u' here).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for index, _definition in indexes:
            cursor.execute(f"DROP INDEX {index}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _index, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in reversed(constraints):
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for table in names:
            cursor.execute(f"ANALYZE {table}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
