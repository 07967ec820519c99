"""The case record in the database: sealing old entries, checking chains, files.

Reads go by case id in batches (keyset, never OFFSET) with one query for the
entries of a whole batch, so checking a million cases holds one batch in
memory at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import Storage, default_storage
from django.db import models, transaction
from django.db.models import F

from ..record_chain import (
    Break,
    EntryContent,
    StoredEntry,
    chain_break,
    file_sha256,
    seal,
)

BATCH = 1000
MISSING = "missing"

_ENTRY_COLUMNS = (
    "id",
    "dispute_id",
    "seq",
    "actor_id",
    "actor_role",
    "action",
    "from_state",
    "to_state",
    "created_at",
    "note",
    "amount",
    "internal",
    "subject_id",
    "evidence__sha256",
    "prev_hash",
    "entry_hash",
    "evidence__file",
)


@dataclass(frozen=True)
class CaseHead:
    id: int
    number: str
    length: int
    head: str


def _stored(row: tuple[Any, ...], number: str) -> StoredEntry:
    pk, _case, seq, actor, role, action, frm, to, at, note, amount, internal = row[:12]
    subject, sha, prev, entry_hash = row[12:16]
    content = EntryContent(
        case=number,
        seq=seq or 0,
        actor_id=actor,
        actor_role=role,
        action=action,
        from_state=frm,
        to_state=to,
        created_at=at,
        note=note,
        amount=amount,
        internal=internal,
        subject_id=subject,
        evidence_sha256=sha or "",
    )
    return StoredEntry(pk, content, prev, entry_hash, seq)


def case_batches(
    dispute_model: type[models.Model],
    *,
    number: str | None = None,
    batch: int = BATCH,
    skip_purged: bool = True,
) -> Iterator[list[CaseHead]]:
    """The cases to check (one, or all by id), in batches."""
    cases = dispute_model._default_manager.order_by("pk")
    if number is not None:
        cases = cases.filter(number=number)
    if skip_purged:
        cases = cases.filter(record_purged_at__isnull=True)
    after = 0
    while True:
        rows = list(
            cases.filter(pk__gt=after).values_list(
                "pk", "number", "record_length", "record_head"
            )[:batch]
        )
        if not rows:
            return
        yield [CaseHead(*row) for row in rows]
        after = rows[-1][0]


def entries_by_case(
    event_model: type[models.Model], heads: list[CaseHead]
) -> dict[int, list[tuple[Any, ...]]]:
    """The raw entry rows of these cases, each case's in stored-seq order."""
    rows = (
        event_model._default_manager.filter(dispute_id__in=[h.id for h in heads])
        .order_by("dispute_id", F("seq").asc(nulls_first=True), "created_at", "id")
        .values_list(*_ENTRY_COLUMNS)
    )
    grouped: dict[int, list[tuple[Any, ...]]] = {h.id: [] for h in heads}
    for row in rows:  # one batch of cases: a plain fetch, no server-side cursor
        grouped[row[1]].append(row)
    return grouped


class FileHashes:
    """Stored files re-hashed once each (demo cases share sample files)."""

    def __init__(self, storage: Storage = default_storage) -> None:
        self.storage = storage
        self.seen: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name not in self.seen:
            try:
                with self.storage.open(name, "rb") as handle:
                    self.seen[name] = file_sha256(handle)
            except (FileNotFoundError, OSError):
                self.seen[name] = MISSING
        return self.seen[name]


def case_break(
    head: CaseHead,
    rows: list[tuple[Any, ...]],
    files: Callable[[str], str] | None = None,
) -> Break | None:
    """The first break of one case: in its chain, or a file whose bytes changed."""
    entries = [_stored(row, head.number) for row in rows]
    found = chain_break(head.number, entries, length=head.length, head=head.head)
    if found is not None or files is None:
        return found
    for row, entry in zip(rows, entries, strict=True):
        name, recorded = row[16], row[13]
        if not name:
            continue
        digest = files(name)
        if digest != recorded:
            why = "missing" if digest == MISSING else "changed"
            return Break(head.number, entry.stored_seq, entry.pk, f"file {name} {why}")
    return None


def chain_breaks(
    dispute_model: type[models.Model],
    event_model: type[models.Model],
    *,
    number: str | None = None,
    check_files: bool = True,
    on_batch: Callable[[int, int], None] | None = None,
) -> Iterator[Break]:
    """Every case's first break (one case by number, or all), in id order."""
    files = FileHashes() if check_files else None
    for heads in case_batches(dispute_model, number=number):
        grouped = entries_by_case(event_model, heads)
        for head in heads:
            found = case_break(head, grouped[head.id], files)
            if found is not None:
                yield found
        if on_batch is not None:
            on_batch(len(heads), sum(len(rows) for rows in grouped.values()))


def cases_seal(
    dispute_model: type[models.Model],
    event_model: type[models.Model],
    *,
    only_unsealed: bool = True,
) -> int:
    """Number and chain the entries of cases holding unsealed entries (written
    before the chain existed); returns how many cases were sealed."""
    sealed = 0
    for heads in case_batches(dispute_model, skip_purged=False):
        ids = [h.id for h in heads]
        if only_unsealed:
            todo = set(
                event_model._default_manager.filter(
                    dispute_id__in=ids, seq__isnull=True
                ).values_list("dispute_id", flat=True)
            )
            heads = [h for h in heads if h.id in todo]
        if heads:
            sealed += _seal_batch(dispute_model, event_model, heads)
    return sealed


def _seal_batch(
    dispute_model: type[models.Model],
    event_model: type[models.Model],
    heads: list[CaseHead],
) -> int:
    with transaction.atomic():
        list(
            dispute_model._default_manager.select_for_update()
            .filter(pk__in=[h.id for h in heads])
            .values_list("pk")
        )
        grouped = _in_time_order(event_model, heads)
        for head in heads:
            _seal_case(dispute_model, event_model, head, grouped[head.id])
    return len(heads)


def _in_time_order(
    event_model: type[models.Model], heads: list[CaseHead]
) -> dict[int, list[tuple[Any, ...]]]:
    rows = (
        event_model._default_manager.filter(dispute_id__in=[h.id for h in heads])
        .order_by("dispute_id", "created_at", "id")
        .values_list(*_ENTRY_COLUMNS)
    )
    grouped: dict[int, list[tuple[Any, ...]]] = {h.id: [] for h in heads}
    for row in rows:
        grouped[row[1]].append(row)
    return grouped


def _seal_case(
    dispute_model: type[models.Model],
    event_model: type[models.Model],
    head: CaseHead,
    rows: list[tuple[Any, ...]],
) -> None:
    contents = [_renumbered(row, head.number, n) for n, row in enumerate(rows, 1)]
    manager = event_model._default_manager
    # Clear the numbers first: renumbering must not trip the (case, seq) key.
    manager.filter(dispute_id=head.id).update(seq=None)
    last = ""
    for row, (seq, prev, entry_hash) in zip(rows, seal(contents), strict=True):
        manager.filter(pk=row[0]).update(seq=seq, prev_hash=prev, entry_hash=entry_hash)
        last = entry_hash
    dispute_model._default_manager.filter(pk=head.id).update(
        record_length=len(rows), record_head=last
    )


def _renumbered(row: tuple[Any, ...], number: str, seq: int) -> EntryContent:
    stored = _stored(row, number).content
    return EntryContent(**{**stored.__dict__, "seq": seq})


def evidence_fill_hashes(evidence_model: type[models.Model]) -> int:
    """Store the SHA-256 of evidence files that have none (older rows)."""
    files, filled = FileHashes(), 0
    missing = evidence_model._default_manager.filter(sha256="").order_by("pk")
    for pk, name in missing.values_list("pk", "file").iterator(chunk_size=500):
        digest = files(name)
        if digest != MISSING:
            evidence_model._default_manager.filter(pk=pk).update(sha256=digest)
            filled += 1
    return filled
