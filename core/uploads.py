"""Uploaded files: which the platform accepts, and how it hands them back.

One rule for forms, the API and the services. A file is recognised by its
first bytes, never by its name or the browser's content type; it must fit
under `settings.EVIDENCE_MAX_BYTES`; an image whose declared size would
exhaust a viewer's memory (a decompression bomb) is refused. A download is
offered under the uploader's name with the sniffed type's extension, never
the uploader's.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_IMAGE_PIXELS = 40_000_000  # e.g. 8000 x 5000
MAX_IMAGE_SIDE = 20_000
_UNSAFE = re.compile(r"[^\w\-]+", re.UNICODE)

# Allowed types, recognised by their first bytes: (magic, offset, type, extension).
SIGNATURES: list[tuple[bytes, int, str, str]] = [
    (b"\xff\xd8\xff", 0, "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", ".png"),
    (b"GIF87a", 0, "image/gif", ".gif"),
    (b"GIF89a", 0, "image/gif", ".gif"),
    (b"WEBP", 8, "image/webp", ".webp"),
    (b"%PDF-", 0, "application/pdf", ".pdf"),
    (b"ftyp", 4, "video/mp4", ".mp4"),
]
ACCEPTED_TYPES = sorted({content_type for _m, _o, content_type, _e in SIGNATURES})


def sniff_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) for an allowed file, from its first bytes."""
    for magic, offset, content_type, extension in SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            if content_type == "image/webp" and not head.startswith(b"RIFF"):
                continue
            return content_type, extension
    return None


def max_upload_mb() -> int:
    return int(settings.EVIDENCE_MAX_BYTES // (1024 * 1024))


def upload_type(upload: UploadedFile[Any]) -> tuple[str, str] | None:
    """The sniffed (content type, extension) of an upload, None if not allowed."""
    if not upload.size:
        return None
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return sniff_type(head)


def upload_refusal(upload: UploadedFile[Any]) -> str | None:
    """Why `upload` is refused (a sentence for people), or None to accept it."""
    if (upload.size or 0) > settings.EVIDENCE_MAX_BYTES:
        return _("Files may be at most %(mb)s MB.") % {"mb": max_upload_mb()}
    if upload_type(upload) is None:
        return _("Upload a JPEG, PNG, GIF or WebP image, a PDF or an MP4 video.")
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if image_too_large(head):
        return _("The image is too large to display; send a smaller one.")
    return None


def image_dimensions(head: bytes) -> tuple[int, int] | None:
    """(width, height) declared by a PNG, GIF, JPEG or WebP header, if readable."""
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        return struct.unpack(">II", head[16:24])
    if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
        return struct.unpack("<HH", head[6:10])
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return _webp_dimensions(head)
    if head.startswith(b"\xff\xd8"):
        return _jpeg_dimensions(head)
    return None


def _webp_dimensions(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8X" and len(head) >= 30:
        width = int.from_bytes(head[24:27], "little") + 1
        height = int.from_bytes(head[27:30], "little") + 1
        return width, height
    if chunk == b"VP8 " and len(head) >= 30:
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(head) >= 25:
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg_dimensions(head: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 9 < len(head):
        if head[at] != 0xFF:
            return None
        marker = head[at + 1]
        length = int.from_bytes(head[at + 2 : at + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", head[at + 5 : at + 9])
            return width, height
        at += 2 + length
    return None


def image_too_large(head: bytes) -> bool:
    """Whether the header declares more pixels than a viewer should decode."""
    size = image_dimensions(head)
    if size is None:
        return False
    width, height = size
    return (
        width > MAX_IMAGE_SIDE
        or height > MAX_IMAGE_SIDE
        or width * height > MAX_IMAGE_PIXELS
    )


def safe_download_name(
    original: str, extension: str, *, fallback: str = "evidence"
) -> str:
    """A file name to offer: the uploader's stem, cleaned, with the sniffed
    extension (`report.html` holding a PNG is offered as `report.png`)."""
    name = PureWindowsPath(PurePosixPath(original or "").name).name
    stem = unicodedata.normalize("NFKC", name).split(".")[0]
    stem = _UNSAFE.sub("_", stem).strip("_")[:80] or fallback
    return f"{stem}{extension}"
