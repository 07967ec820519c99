"""Refuse hostile requests before any view sees them, and add the headers
Django does not set itself."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (strings ignored)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_JSON_STRING.sub(b"", raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _refusal(
    request: HttpRequest, status: int, message: str, code: str
) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = {"message": message, "code": code, "errors": {}}
        return JsonResponse(
            body, status=status, json_dumps_params={"ensure_ascii": False}
        )
    return HttpResponse(
        message, status=status, content_type="text/plain; charset=utf-8"
    )


class HostileInputMiddleware:
    """Oversized bodies (413), NUL bytes in the address (404/400), JSON nested
    deeper than MAX_JSON_DEPTH (400); Permissions-Policy on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.refuse(request) or self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    def refuse(self, request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_BYTES:
            limit = settings.MAX_REQUEST_BODY_BYTES // (1024 * 1024)
            message = _("The request is too large (at most %(mb)s MB).") % {"mb": limit}
            return _refusal(request, 413, message, "too_large")
        if "\x00" in request.path:
            return _refusal(request, 404, _("Not found."), "not_found")
        if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            message = _("The address contains a character that is not allowed.")
            return _refusal(request, 400, message, "invalid")
        if request.content_type == "application/json" and length:
            return self.refuse_json(request)
        return None

    def refuse_json(self, request: HttpRequest) -> HttpResponse | None:
        try:
            raw = request.body
        except RequestDataTooBig:
            message = _("The request is too large.")
            return _refusal(request, 413, message, "too_large")
        if json_depth(raw) > settings.MAX_JSON_DEPTH:
            message = _("The JSON is nested too deeply (at most %(depth)s levels).") % {
                "depth": settings.MAX_JSON_DEPTH
            }
            return _refusal(request, 400, message, "parse_error")
        return None
