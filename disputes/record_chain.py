"""The case record's hash chain: what an entry's hash covers and how a chain is
checked. Pure functions (no database): the timeline writer, the bulk demo
builder, the sealing migration and `verify_case_chain` all hash through here,
so they cannot disagree.

Entry n of a case stores `prev_hash` (entry n-1's `entry_hash`, or GENESIS for
n = 1) and `entry_hash` = SHA-256 of the canonical JSON of its content and
`prev_hash`. The case row keeps the chain's length and head, so deleting the
last entries is caught as well as changing, deleting or reordering any.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import IO, Any

# Bumped only with a new canonical form; old entries keep the version they
# were sealed with (`entry_hash` covers it).
FORMAT = 1
GENESIS = "0" * 64
CHUNK = 64 * 1024


def file_sha256(handle: IO[bytes]) -> str:
    """SHA-256 of a file read in chunks (never whole into memory)."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def chunks_sha256(chunks: Iterable[bytes]) -> str:
    """SHA-256 of an upload's chunks (`UploadedFile.chunks()`)."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class EntryContent:
    """What an entry's hash covers: who, what, when, the text, money, the file."""

    case: str  # the case number (ids shift between databases, numbers do not)
    seq: int
    actor_id: int | None
    actor_role: str
    action: str
    from_state: str
    to_state: str
    created_at: datetime
    note: str
    amount: Decimal | None
    internal: bool
    subject_id: int | None
    evidence_sha256: str  # "" when the entry carries no file

    def canonical(self, prev_hash: str) -> bytes:
        """The bytes hashed: sorted-key compact JSON, UTC time to the microsecond."""
        body: dict[str, Any] = {
            "v": FORMAT,
            "case": self.case,
            "seq": self.seq,
            "prev": prev_hash,
            "actor": self.actor_id,
            "role": self.actor_role,
            "action": self.action,
            "from": self.from_state,
            "to": self.to_state,
            "at": self.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "note": self.note,
            "amount": None if self.amount is None else f"{self.amount:.2f}",
            "internal": self.internal,
            "subject": self.subject_id,
            "file": self.evidence_sha256,
        }
        return json.dumps(
            body, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()

    def digest(self, prev_hash: str) -> str:
        return hashlib.sha256(self.canonical(prev_hash)).hexdigest()


@dataclass(frozen=True)
class StoredEntry:
    """An entry as read back: its content and the links it stored."""

    pk: int
    content: EntryContent
    prev_hash: str
    entry_hash: str
    stored_seq: int | None


@dataclass(frozen=True)
class Break:
    """The first place a case's chain does not hold."""

    case: str
    seq: int | None
    entry_id: int | None
    why: str

    def __str__(self) -> str:
        where = f"entry #{self.seq}" if self.seq is not None else "the chain head"
        ident = f" (id {self.entry_id})" if self.entry_id is not None else ""
        return f"{self.case}: {where}{ident}: {self.why}"


def chain_break(
    case: str, entries: Iterable[StoredEntry], *, length: int, head: str
) -> Break | None:
    """The first break in a case's chain (entries in stored-seq order), or None."""
    prev, expected = GENESIS, 1
    for entry in entries:
        seq = entry.stored_seq
        if seq is None:
            return Break(case, None, entry.pk, "entry was never sealed into the chain")
        if seq != expected:
            why = (
                f"entry #{expected} is missing (deleted)"
                if seq > expected
                else f"entry out of order (expected #{expected})"
            )
            return Break(case, seq, entry.pk, why)
        if entry.prev_hash != prev:
            return Break(
                case, seq, entry.pk, "link to the previous entry broken (reordered)"
            )
        if entry.content.digest(prev) != entry.entry_hash:
            return Break(case, seq, entry.pk, "entry content changed")
        prev, expected = entry.entry_hash, expected + 1
    if expected - 1 != length or prev != (head or GENESIS):
        return Break(
            case,
            expected - 1 if expected > 1 else None,
            None,
            f"chain ends at #{expected - 1} but the case records {length} entries "
            "(later entries deleted)",
        )
    return None


def seal(contents: Iterable[EntryContent]) -> Iterator[tuple[int, str, str]]:
    """(seq, prev_hash, entry_hash) for a case's entries in order, from GENESIS."""
    prev = GENESIS
    for content in contents:
        entry_hash = content.digest(prev)
        yield content.seq, prev, entry_hash
        prev = entry_hash
