"""The case bundle: the whole record in one ZIP, streamed.

`case_bundle` reads everything the reader may see (parties never get internal
entries; names and notes as `disclosure` shows them) in a fixed number of
queries; `bundle_chunks` then streams the ZIP — the timeline as JSON, a
printable page in the reader's language, every file in its original format,
and a manifest of SHA-256 hashes with the chain's head — without holding the
files in memory.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.roles import is_platform_staff
from core.uploads import safe_download_name
from stores.scoping import party_of

from . import disclosure, selectors
from .actions import event_label
from .models import Dispute, DisputeEvent, Evidence
from .record_chain import CHUNK

# Files already compressed are stored; the texts are deflated.
_STORED_TYPES = ("image/", "video/", "application/pdf")


@dataclass
class BundleFile:
    """An evidence file as it goes into the ZIP."""

    name: str  # the member name, files/<entry>-<name>
    evidence: Evidence
    sha256: str = ""  # of the bytes streamed (set while streaming)


@dataclass
class Bundle:
    case: Dispute
    for_party: bool
    entries: list[dict[str, Any]]
    summary: dict[str, Any]
    files: list[BundleFile]
    timeline: list[DisputeEvent] = field(repr=False, default_factory=list)

    @property
    def filename(self) -> str:
        return f"{self.case.number}-record.zip"


def case_bundle(*, case: Dispute, reader: Any) -> Bundle:
    """What `reader` may take away of `case` (found visible by the caller)."""
    for_party = not is_platform_staff(reader) and party_of(reader, case) is not None
    timeline = disclosure.timeline_for_party(
        selectors.dispute_timeline(dispute=case, user=reader),
        for_party=for_party,
        reader=reader,
        store=case.store,
    )
    files: list[BundleFile] = []
    entries = []
    for event in timeline:
        file = None
        ev = event.evidence
        if ev is not None and ev.file:
            name = safe_download_name(ev.original_name, ev.extension)
            number = f"{event.seq:04d}" if event.seq else f"e{ev.pk}"
            file = BundleFile(f"files/{number}-{name}", ev)
            files.append(file)
        entries.append(_entry(event, file, staff=not for_party))
    return Bundle(
        case=case,
        for_party=for_party,
        entries=entries,
        summary=_summary(case, reader),
        files=files,
        timeline=timeline,
    )


def _entry(event: DisputeEvent, file: BundleFile | None, *, staff: bool) -> dict:
    row: dict[str, Any] = {
        "seq": event.seq,
        "at": timezone.localtime(event.created_at).isoformat(),
        "who": event.who,
        "role": event.role_label,
        "action": event.action,
        "action_label": str(event_label(event.action)),
        "from_state": event.from_state,
        "from_label": event.from_label if event.from_state else "",
        "to_state": event.to_state,
        "to_label": event.to_label if event.to_state else "",
        "note": event.note,
        "amount": None if event.amount is None else f"{event.amount:.2f}",
        "about": event.subject_name,
        "file": None,
        "prev_hash": event.prev_hash,
        "entry_hash": event.entry_hash,
    }
    if staff:
        row["internal"] = event.internal
    if file is not None:
        ev = file.evidence
        row["file"] = {
            "name": file.name,
            "original_name": ev.original_name,
            "content_type": ev.content_type,
            "size": ev.size,
            "sha256_at_upload": ev.sha256,
        }
    return row


def _summary(case: Dispute, reader: Any) -> dict[str, Any]:
    def local(moment):
        return timezone.localtime(moment).isoformat() if moment else None

    return {
        "number": case.number,
        "order": case.order.number,
        "store": case.store.name,
        "buyer": disclosure.buyer_name(case.buyer, reader=reader),
        "reason": case.reason,
        "reason_label": str(case.get_reason_display()),
        "remedy": case.remedy,
        "remedy_label": str(case.get_remedy_display()),
        "amount": f"{case.amount:.2f}",
        "state": case.state,
        "state_label": str(case.get_state_display()),
        "outcome_label": str(case.get_outcome_display()) if case.outcome else "",
        "liability_label": str(case.get_liability_display()) if case.liability else "",
        "opened_at": local(case.opened_at),
        "closed_at": local(case.closed_at),
        "chain": {"length": case.record_length, "head": case.record_head},
    }


class _Sink(io.RawIOBase):
    """A write-only, unseekable stream the ZIP writer fills and we drain."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def drain(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def _texts(bundle: Bundle) -> dict[str, bytes]:
    """timeline.json and record.html (with its style sheet: no inline style),
    rendered in the active language."""
    document = {
        "case": bundle.summary,
        "for": "party" if bundle.for_party else "staff",
        "language": get_language(),
        "generated_at": timezone.localtime().isoformat(),
        "entries": bundle.entries,
    }
    page = render_to_string(
        "disputes/bundle_record.html",
        {
            "case": bundle.case,
            "summary": bundle.summary,
            "timeline": bundle.timeline,
            "files": {f.evidence.pk: f.name for f in bundle.files},
            "for_party": bundle.for_party,
            "generated_at": timezone.now(),
        },
    )
    return {
        "timeline.json": json.dumps(document, ensure_ascii=False, indent=2).encode(),
        "record.html": page.encode(),
        "record.css": render_to_string("disputes/bundle_record.css").encode(),
    }


def bundle_chunks(bundle: Bundle) -> Iterator[bytes]:
    """The ZIP, piece by piece: texts, files, then the manifest of them all."""
    sink = _Sink()
    hashes: dict[str, str] = {}
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in _texts(bundle).items():
            archive.writestr(name, data)
            hashes[name] = hashlib.sha256(data).hexdigest()
            yield sink.drain()
        missing = []
        for file in bundle.files:
            try:
                yield from _stream_file(archive, sink, file)
                hashes[file.name] = file.sha256
            except FileNotFoundError:
                missing.append(file.name)
        manifest = _manifest(bundle, hashes, missing)
        archive.writestr("manifest.json", manifest)
        archive.writestr(
            "SHA256SUMS",
            "".join(f"{digest}  {name}\n" for name, digest in hashes.items()),
        )
    yield sink.drain()


def _stream_file(archive: zipfile.ZipFile, sink: _Sink, file: BundleFile):
    evidence = file.evidence
    stored = evidence.content_type.startswith(_STORED_TYPES)
    info = zipfile.ZipInfo(
        file.name, date_time=timezone.localtime(evidence.created_at).timetuple()[:6]
    )
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    digest = hashlib.sha256()
    with evidence.file.open("rb") as source, archive.open(info, "w") as target:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            target.write(chunk)
            yield sink.drain()
    file.sha256 = digest.hexdigest()


def _manifest(bundle: Bundle, hashes: dict[str, str], missing: list[str]) -> str:
    recorded = {f.name: f.evidence.sha256 for f in bundle.files}
    return json.dumps(
        {
            "case": bundle.case.number,
            "algorithm": "sha256",
            "chain": bundle.summary["chain"],
            "files": [
                {
                    "name": name,
                    "sha256": digest,
                    "sha256_at_upload": recorded.get(name),
                }
                for name, digest in hashes.items()
            ],
            "missing": missing,
            "note": _(
                "Each file's SHA-256 as packed here; evidence files also carry "
                "the hash taken at upload. Entry hashes chain the full record "
                "kept by the platform; entries you may not see are left out."
            ),
        },
        ensure_ascii=False,
        indent=2,
    )
