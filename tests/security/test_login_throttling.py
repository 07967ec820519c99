"""Password guessing is throttled on every sign-in path, per account and per
address; supervisors unlock; failures are logged."""

from __future__ import annotations

import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from rest_framework.test import APIClient

from tests import factories as f

pytestmark = pytest.mark.django_db
PASSWORD = "right-pass-2026"
LIMIT = 5


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


def person(**kwargs):
    user = f.buyer(**kwargs)
    user.set_password(PASSWORD)
    user.save()
    return user


def web_login(client, path, username, password):
    return client.post(path, {"username": username, "password": password})


def token_login(client, username, password):
    return client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
    )


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_web_sign_in_locks_the_account_after_the_limit(path):
    user = person()
    client = Client()
    statuses = [web_login(client, path, user.username, "wrong").status_code
                for _ in range(LIMIT)]  # fmt: skip
    assert statuses == [200] * (LIMIT - 1) + [429]
    locked = web_login(client, path, user.username, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert int(locked["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_api_token_locks_with_429_in_the_error_format():
    user = person()
    client = APIClient()
    statuses = [token_login(client, user.username, "wrong").status_code
                for _ in range(LIMIT)]  # fmt: skip
    assert statuses == [400] * (LIMIT - 1) + [429]
    locked = token_login(client, user.username, PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert "Retry-After" in locked


def test_one_address_guessing_many_accounts_is_locked_too():
    victims = [person() for _ in range(LIMIT)]
    client = APIClient()
    for victim in victims:
        token_login(client, victim.username, "wrong")
    fresh = person()
    assert token_login(client, fresh.username, PASSWORD).status_code == 429
    elsewhere = APIClient(REMOTE_ADDR="10.1.2.3")
    assert token_login(elsewhere, fresh.username, PASSWORD).status_code == 200


def test_failures_below_the_limit_do_not_lock_and_success_resets():
    user = person()
    client = APIClient()
    for _ in range(LIMIT - 1):
        token_login(client, user.username, "wrong")
    assert token_login(client, user.username, PASSWORD).status_code == 200


def test_failures_are_logged(caplog):
    user = person()
    client = Client()
    with caplog.at_level(logging.WARNING):
        for _ in range(LIMIT + 1):
            web_login(client, "/accounts/login/", user.username, "wrong")
    assert AccessFailureLog.objects.filter(username=user.username).count() >= LIMIT
    assert any("locked out" in r.getMessage().lower() for r in caplog.records)


def test_a_supervisor_unlocks_an_account_in_the_admin():
    user = person()
    client = Client()
    for _ in range(LIMIT):
        web_login(client, "/accounts/login/", user.username, "wrong")
    assert (
        web_login(client, "/accounts/login/", user.username, PASSWORD).status_code
        == 429
    )

    supervisor = Client()
    supervisor.force_login(f.supervisor())
    listing = supervisor.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert user.username in listing.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    supervisor.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert not AccessAttempt.objects.exists()
    signed_in = web_login(Client(), "/accounts/login/", user.username, PASSWORD)
    assert signed_in.status_code == 302


def test_an_agent_cannot_see_or_unlock_sign_in_attempts():
    agent = Client()
    agent.force_login(f.agent())
    assert agent.get("/admin/axes/accessattempt/").status_code == 403
