"""Fixtures for the workbench tests: signed-in clients per role."""

from __future__ import annotations

import pytest

from tests import factories as f


@pytest.fixture
def login(client):
    """Sign `client` in as the given user and return it."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def complaint():
    return f.case_in_state("complaint")


@pytest.fixture
def verification():
    return f.case_in_state("verification")
