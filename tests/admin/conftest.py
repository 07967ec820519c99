"""Fixtures for the workbench tests: signed-in clients per role, ready cases."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories as f

ROLE_MAKERS = {
    "buyer": f.buyer,
    "merchant": f.merchant,
    "agent": f.agent,
    "supervisor": f.supervisor,
    "manager": f.manager,
}


@pytest.fixture
def login():
    """A fresh client signed in as `user` (None: anonymous)."""

    def _login(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return _login


@pytest.fixture
def complaint():
    return f.case_in_state("complaint")


@pytest.fixture
def verification():
    return f.case_in_state("verification")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]
