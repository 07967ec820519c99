"""Serving evidence files: the one response every surface (portal, admin, API) uses.

Callers first find the case through the scoping rules (whoever may see a case
may read its evidence); files are never served from a public MEDIA_URL.
"""

from __future__ import annotations

from django.http import FileResponse, Http404

from core.uploads import safe_download_name

from .models import Evidence

SHOWN_INLINE = ("image/", "application/pdf")


def evidence_response(evidence: Evidence, *, inline: bool = False) -> FileResponse:
    """Stream the file with safe headers under a name whose extension is the
    sniffed type's; only images and PDFs may be shown inline."""
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=not (inline and evidence.content_type.startswith(SHOWN_INLINE)),
        filename=safe_download_name(evidence.original_name, evidence.extension),
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
