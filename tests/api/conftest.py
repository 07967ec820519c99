"""Fixtures for the API tests: clients signed in per role (tests/conftest.py
empties the throttle cache around every test)."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories as f


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api():
    """api(user) -> an APIClient authenticated by the user's token."""
    return client_for


def url(number: str, tail: str = "") -> str:
    base = f"/api/v1/disputes/{number}/"
    return base + (tail.strip("/") + "/" if tail else "")


def act(client: APIClient, number: str, action: str, **data):
    return client.post(url(number, f"actions/{action}"), data, format="json")


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

__all__ = ["PNG", "act", "client_for", "f", "url"]
