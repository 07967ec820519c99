"""Moving IdempotencyRecord from `disputes` to `core` keeps the stored responses."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("disputes", "0008_sla_targets_and_closed_requests"), ("core", None)]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_stored_responses_survive_the_move_to_core():
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO accounts_user (password, is_superuser, username, "
                "first_name, last_name, email, is_staff, is_active, date_joined, "
                "display_name, phone) VALUES ('', false, 'kept', '', '', '', false, "
                "true, CURRENT_TIMESTAMP, '', '')"
            )
            cursor.execute("SELECT id FROM accounts_user WHERE username = 'kept'")
            user_id = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO disputes_idempotencyrecord (user_id, key, method, path, "
                "fingerprint, status_code, response_body, created_at) VALUES "
                "(%s, 'k-kept', 'POST', '/x/', 'f', 201, '{\"ok\": 1}', "
                "CURRENT_TIMESTAMP)",
                [user_id],
            )
    finally:
        migrate(leaves())
    from core.models import IdempotencyRecord

    record = IdempotencyRecord.objects.get(key="k-kept")
    assert (record.status_code, record.response_body) == (201, {"ok": 1})
    tables = connection.introspection.table_names()
    assert "core_idempotencyrecord" in tables
    assert "disputes_idempotencyrecord" not in tables
