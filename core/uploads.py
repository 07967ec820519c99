"""What makes an uploaded file safe to keep and to hand back.

Types are sniffed from content elsewhere; here: images whose declared size
would exhaust a viewer's memory (decompression bombs), and the file name a
download is offered under (its extension follows the sniffed type, never the
uploader's).
"""

from __future__ import annotations

import re
import struct
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

MAX_IMAGE_PIXELS = 40_000_000  # e.g. 8000 x 5000
MAX_IMAGE_SIDE = 20_000
_UNSAFE = re.compile(r"[^\w\-]+", re.UNICODE)


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
