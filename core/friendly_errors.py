"""Friendly 404 pages even with DEBUG on (the demo runs with DEBUG on)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .views import page_not_found


class FriendlyNotFoundMiddleware:
    """With DEBUG on, Django answers a 404 with its technical page, which lists
    every URL pattern: fine for a developer, confusing for someone trying the
    demo. Replace it with the product's own page for HTML requests (the API's
    JSON 404s pass through untouched). `FRIENDLY_404_IN_DEBUG = False` gives
    developers the technical page back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and settings.DEBUG
            and getattr(settings, "FRIENDLY_404_IN_DEBUG", True)
            and response.get("Content-Type", "").startswith("text/html")
            and not request.path.startswith(("/api/", "/static/", "/media/"))
        ):
            return page_not_found(request)
        return response
