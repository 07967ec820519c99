"""What `DATABASE_URL` and the DATABASE_* switches make of the connection
settings (config/settings/base.py `database()`; docs/deploy.md)."""

from __future__ import annotations

import pytest

from config.settings.base import database

PG = "postgres://postgres@127.0.0.1:5432/x"
SWITCHES = (
    "DATABASE_PGBOUNCER",
    "DATABASE_SERVER_SIDE_BINDING",
    "DATABASE_PREPARE_THRESHOLD",
    "DATABASE_CONN_MAX_AGE",
)


@pytest.mark.parametrize(
    ("url", "env", "binding", "threshold", "jit_off", "named_cursors"),
    [
        # PostgreSQL: prepared statements by default, a query prepared on its
        # 5th run on a connection; no JIT; named cursors for iterator().
        (PG, {}, True, 5, True, True),
        (PG, {"DATABASE_PREPARE_THRESHOLD": "2"}, True, 2, True, True),
        (PG, {"DATABASE_SERVER_SIDE_BINDING": "0"}, False, "unset", True, True),
        # PgBouncer in transaction mode: nothing kept on a server connection.
        (PG, {"DATABASE_PGBOUNCER": "1"}, False, None, False, False),
        (PG, {"DATABASE_PGBOUNCER": "1", "DATABASE_SERVER_SIDE_BINDING": "1"},
         False, None, False, False),
        # SQLite: none of it.
        ("sqlite:////tmp/x.sqlite3", {}, False, "unset", False, True),
    ],
)  # fmt: skip
def test_database_settings(
    monkeypatch, url, env, binding, threshold, jit_off, named_cursors
):
    for name in SWITCHES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = database(url)
    options = config.get("OPTIONS", {})
    assert bool(options.get("server_side_binding")) is binding
    assert options.get("prepare_threshold", "unset") == threshold
    assert ("jit=off" in options.get("options", "")) is jit_off
    assert (not config.get("DISABLE_SERVER_SIDE_CURSORS")) is named_cursors


def test_connections_are_kept_only_when_asked(monkeypatch):
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)
    assert database(PG)["CONN_MAX_AGE"] == 0
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "60")
    assert database(PG)["CONN_MAX_AGE"] == 60
