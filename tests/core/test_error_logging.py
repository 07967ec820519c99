"""A 403 (or any 4xx) is logged as one line; a 500 keeps its traceback."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path

from tests import factories as f
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

TAKE_NEXT = "/admin/disputes/dispute/take-next/"


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("forbidden/", forbidden), path("broken/", broken)]


def request_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


@pytest.mark.parametrize("debug", [True, False], ids=["development", "production"])
def test_a_403_page_logs_one_line_without_a_traceback(caplog, settings, debug):
    settings.DEBUG = debug
    client = Client()
    client.force_login(f.manager())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.post(TAKE_NEXT)
    assert response.status_code == 403
    [record] = request_records(caplog)
    assert record.getMessage() == f"Forbidden (Permission denied): {TAKE_NEXT}"
    assert record.exc_info is None
    assert record.exc_text is None
    assert "Traceback" not in caplog.text
    assert len(caplog.text.strip().splitlines()) == 1


def test_a_403_over_the_api_logs_one_line(caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(f.buyer()).post("/api/v1/orders/bulk/", {}, "json")
    assert response.status_code == 403
    [record] = request_records(caplog)
    assert record.getMessage() == "Forbidden: /api/v1/orders/bulk/"
    assert record.exc_info is None


@contextmanager
def consoles() -> Iterator[io.StringIO]:
    """What every console handler a django.request record reaches prints."""
    seen, chain = [], logging.getLogger("django.request")
    while chain is not None:
        seen += [h for h in chain.handlers if type(h) is logging.StreamHandler]
        chain = chain.parent if chain.propagate else None
    printed = io.StringIO()
    streams = [handler.setStream(printed) for handler in seen]
    try:
        yield printed
    finally:
        for handler, stream in zip(seen, streams, strict=True):
            handler.setStream(stream)


def test_the_console_prints_the_403_once_in_one_line(settings):
    """What the developer sees: before, the line and a traceback, twice."""
    settings.DEBUG = True
    settings.ROOT_URLCONF = __name__
    with consoles() as printed:
        assert Client().get("/forbidden/").status_code == 403
    assert printed.getvalue().splitlines() == [
        "Forbidden (Permission denied): /forbidden/"
    ]


def test_a_500_still_logs_its_traceback(caplog, settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert client.get("/broken/").status_code == 500
    [record] = request_records(caplog)
    assert record.exc_info is not None
    assert "RuntimeError: a bug" in caplog.text
