"""Which uploaded files the platform accepts: one rule for forms, API and services.

A file is recognised by its first bytes, never by its name or the browser's
content type, and must fit under `settings.EVIDENCE_MAX_BYTES`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from core.uploads import image_too_large

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
