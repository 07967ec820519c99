"""Write plain rows fast: PostgreSQL binary `COPY`, `executemany` elsewhere.

The bulk builder hands over dicts keyed by attribute name; the writer gives
them ids (so rows can point at each other before they are written), turns
them into tuples in column order with the model's defaults filled in, and
writes a whole chunk per table at once. No model instances, no signals.

A chunk may be built with chunk-local ids (`RowWriter(local_ids=True)`:
every table counts from 0 again in each chunk) and placed later: `place`
adds each table's next free id to the ids and to the columns pointing at
them. So chunks can be built in any order, by several processes, and come
out with the same ids as when built one after the other. On PostgreSQL a
chunk is encoded into `COPY` data where it is built (`encode`); the process
holding the connection only passes the bytes on (`write`).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.core.management.color import no_style
from django.db import connection, models
from psycopg import abc
from psycopg._copy_base import BinaryFormatter  # public only through a cursor
from psycopg.adapt import Transformer

_NO_DEFAULT = object()
Model = type[models.Model]
Row = Sequence[Any]


class Table:
    """One model's columns, defaults, id counter and waiting rows."""

    def __init__(self, model: Model, ids_of: Iterable[Model]) -> None:
        """`ids_of`: the models whose ids the writer hands out (and may shift)."""
        self.model = model
        self.name = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        self.pairs = [(f.attname, _default(f)) for f in self.fields]
        self.defaults = dict(self.pairs)
        self.in_order = operator.itemgetter(*self.defaults)
        pk = model._meta.pk
        self.counted = isinstance(pk, models.AutoField | models.BigAutoField)
        shifting = set(ids_of)
        # The columns holding ids the writer hands out: (position, model).
        self.refs: list[tuple[int, Model]] = []
        for i, f in enumerate(self.fields):
            if f.primary_key and self.counted:
                self.refs.append((i, model))
            elif f.is_relation and f.related_model in shifting:
                self.refs.append((i, f.related_model))
        self.next_id = 0
        self.rows: list[Row] = []

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def add(self, row: dict[str, Any]) -> None:
        if self.counted and "id" not in row:
            row["id"] = self.new_id()
        self.rows.append(self.in_order({**self.defaults, **row}))

    def shifted(self, rows: list[Row], bases: Mapping[Model, int]) -> list[Row]:
        """`rows` with `bases[model]` added to every id of `model` they hold."""
        shifts = [(i, bases[m]) for i, m in self.refs if bases.get(m)]
        if not shifts:
            return rows
        shift = self._shifter(tuple(i for i, _b in shifts))
        return shift(rows, *(b for _i, b in shifts))

    @functools.cache  # noqa: B019 (one per table and set of columns)
    def _shifter(self, positions: tuple[int, ...]) -> Callable[..., list[Row]]:
        """A function adding one base per position to every row, as one loop.

        Generated: a list comprehension building each tuple in place runs
        several times faster than shifting a list per row, and it runs for
        every row of a bulk load.
        """
        bases = {i: f"b{n}" for n, i in enumerate(positions)}
        columns = []
        for i, column in enumerate(self.fields):
            if i not in bases:
                columns.append(f"r[{i}]")
            elif column.null:
                columns.append(f"(None if r[{i}] is None else r[{i}] + {bases[i]})")
            else:
                columns.append(f"r[{i}] + {bases[i]}")
        source = (
            f"lambda rows, {', '.join(bases.values())}: "
            f"[({', '.join(columns)},) for r in rows]"
        )
        shifter: Callable[..., list[Row]] = eval(source)  # of column positions only
        return shifter


def _default(field: models.Field[Any, Any]) -> object:
    if field.has_default() and not callable(field.default):
        return field.default
    if field.null:
        return None
    if field.empty_strings_allowed and not field.has_default():
        return ""
    return _NO_DEFAULT


@dataclass
class Batch:
    """Rows taken from the writer, per table; `ids`: how many ids each used."""

    parts: list[tuple[Table, list[Row]]]
    ids: dict[Model, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(len(rows) for _t, rows in self.parts)


# A batch ready to write: per table, its row count and its COPY data (bytes,
# PostgreSQL) or its rows (other databases).
Encoded = list[tuple[Table, int, Any]]


class RowWriter:
    """Buffers rows per table and writes them in dependency order."""

    def __init__(
        self, models_in_order: Iterable[Model], *, local_ids: bool = False
    ) -> None:
        order = list(models_in_order)
        self.tables = {m: Table(m, order) for m in order}
        self.local_ids = local_ids
        # The next id free in the database, per table that counts ids.
        self.next = {m: _first_free_id(m) for m, t in self.tables.items() if t.counted}
        if not local_ids:
            for model, first in self.next.items():
                self.tables[model].next_id = first
        self.written = 0

    def new_id(self, model: Model) -> int:
        return self.tables[model].new_id()

    def add(self, model: Model, row: dict[str, Any]) -> int:
        self.tables[model].add(row)
        return int(row.get("id", 0))

    def take(self) -> Batch:
        """Hand over the waiting rows (the writer starts a new batch)."""
        batch = Batch([(t, t.rows) for t in self.tables.values() if t.rows])
        for table, _rows in batch.parts:
            table.rows = []
        if self.local_ids:
            batch.ids = {m: t.next_id for m, t in self.tables.items() if t.counted}
            for table in self.tables.values():
                table.next_id = 0
        return batch

    def reserve(self, ids: Mapping[Model, int]) -> dict[Model, int]:
        """The first id of a chunk that used `ids` ids per table (handed out now)."""
        bases = {m: self.next[m] for m in ids}
        for model, count in ids.items():
            self.next[model] += count
        return bases

    def place(self, batch: Batch, bases: Mapping[Model, int] | None = None) -> Batch:
        """A batch with chunk-local ids given its real ones (the next free ids)."""
        if not self.local_ids:
            return batch
        if bases is None:
            bases = self.reserve(batch.ids)
        return Batch([(t, t.shifted(rows, bases)) for t, rows in batch.parts])

    def encode(self, batch: Batch) -> Encoded:
        """A placed batch as written: COPY data on PostgreSQL, rows elsewhere."""
        encoded: Encoded = []
        for table, rows in batch.parts:
            _missing_check(table, rows[0])
            if connection.vendor == "postgresql":
                encoded.append((table, len(rows), copy_data(table, rows)))
            else:
                encoded.append((table, len(rows), rows))
        return encoded

    def write(self, batch: Batch | Encoded) -> int:
        """Write a batch (taken and placed, or encoded); returns the rows written."""
        encoded = self.encode(batch) if isinstance(batch, Batch) else batch
        count = 0
        for table, rows, data in encoded:
            if connection.vendor == "postgresql":
                copy_in(table, data)
            else:
                insert_rows(table, data)
            count += rows
        self.written += count
        return count

    def flush(self) -> int:
        """Write every waiting row; returns how many."""
        return self.write(self.place(self.take()))

    def finish(self) -> None:
        """Point the id sequences past the ids handed out here."""
        counted = [m for m, t in self.tables.items() if t.counted]
        sql = connection.ops.sequence_reset_sql(no_style(), counted)
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def _first_free_id(model: Model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")
        return int(cursor.fetchone()[0])


def _missing_check(table: Table, row: Row) -> None:
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
    "date": "date",
    "timestamp with time zone": "timestamptz",
    "jsonb": "jsonb",
}
_transformers: dict[str, abc.Transformer] = {}


def _columns(fields: Sequence[models.Field[Any, Any]]) -> str:
    return ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)


def copy_data(table: Table, rows: Iterable[Row]) -> bytes:
    """`rows` as one binary COPY stream (header, tuples, trailer).

    Needs no connection: a worker process can encode what another writes.
    """
    transformer = _transformers.get(table.name)
    if transformer is None:
        transformer = Transformer()
        names = [
            _PG_TYPES[str(f.db_type(connection)).split("(")[0]] for f in table.fields
        ]
        registry = psycopg.adapters.types
        oids = [registry.get_oid(name) for name in names]
        transformer.set_dumper_types(oids, psycopg.pq.Format.BINARY)
        _transformers[table.name] = transformer
    formatter = BinaryFormatter(transformer)
    out = bytearray()
    write = formatter.write_row
    for row in rows:
        out += write(row)
    out += formatter.end()
    return bytes(out)


def copy_in(table: Table, data: bytes) -> None:
    """Send COPY data made by `copy_data` to `table` (PostgreSQL)."""
    qn = connection.ops.quote_name
    sql = f"COPY {qn(table.name)} ({_columns(table.fields)}) FROM STDIN (FORMAT BINARY)"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write(data)


def insert_rows(table: Table, rows: Iterable[Row]) -> None:
    """`executemany` where there is no COPY, values made ready as Django does."""
    qn = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(table.fields))
    sql = f"INSERT INTO {qn(table.name)} ({_columns(table.fields)}) VALUES ({marks})"
    prep = [
        (i, f)
        for i, f in enumerate(table.fields)
        if isinstance(
            f, models.DateField | models.DecimalField | models.JSONField
        )  # DateTimeField is a DateField
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
