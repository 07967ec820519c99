"""Moving IdempotencyRecord from `disputes` to `core` keeps the stored responses."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
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
        user_id = get_user_model().objects.create(username="kept").pk
        with connection.cursor() as cursor:
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
