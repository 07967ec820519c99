"""Sign-in throttling (django-axes) shared by every sign-in path."""

from __future__ import annotations

import logging
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

log = logging.getLogger("core.auth")


class AxesBackend(AxesStandaloneBackend):
    """Axes' lockout check for sign-ins that come with a request.

    `authenticate()` without a request (the shell, a management command) is not
    a sign-in attempt from the network, so it is not counted.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def lockout_message() -> str:
    return _(
        "Too many failed sign-in attempts for this account or from this address. "
        "Wait %(minutes)s minutes and try again, or ask a supervisor to unlock it."
    )


def retry_after_seconds(request: HttpRequest) -> int:
    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else 3600


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """429 with a clear message: JSON for the API, a page for people."""
    seconds = retry_after_seconds(request)
    message = lockout_message() % {"minutes": max(1, seconds // 60)}
    log.warning(
        "sign-in locked out: path=%s ip=%s",
        request.path,
        getattr(request, "axes_ip_address", None),
    )
    if request.path.startswith("/api/"):
        body = {"message": message, "code": "locked_out", "errors": {}}
        response: HttpResponse = JsonResponse(
            body, status=429, json_dumps_params={"ensure_ascii": False}
        )
    else:
        response = render(
            request, "registration/locked_out.html", {"message": message}, status=429
        )
    response["Retry-After"] = str(seconds)
    return response
