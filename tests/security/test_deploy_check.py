"""The production settings pass Django's deployment checklist with no warning."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import close_old_connections, connection, connections
from django.test import Client

from tests import factories as f
from tests.conftest import postgres_only


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "disputes.example.com",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_every_connection_is_health_checked_and_sqlite_writers_queue():
    for alias, db in settings.DATABASES.items():
        assert db["CONN_HEALTH_CHECKS"] is True, alias
        if db["ENGINE"].endswith("sqlite3"):
            assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE", alias


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_reused_connection_the_database_dropped_is_replaced_not_a_500():
    user = f.buyer()
    client = Client(raise_request_exception=False)
    client.force_login(user)
    connection.settings_dict["CONN_MAX_AGE"] = 600
    connection.close()  # reconnect with the new lifetime
    try:
        assert client.get("/disputes/").status_code == 200
        pid = connection.connection.info.backend_pid  # kept for the next request
        killer = connections.create_connection("default")
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        killer.close()
        # What the server does when a request starts (the test client skips it).
        close_old_connections()
        assert client.get("/disputes/").status_code == 200
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = 0
        connection.close()
