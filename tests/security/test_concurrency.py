"""Simultaneous identical actions and retried keys: one effect, never a 500.

These run on SQLite too (the default for `make run`): with
`transaction_mode="IMMEDIATE"` writers queue for the lock instead of failing
with "database is locked".
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from core.models import IdempotencyRecord
from disputes.services import dispatch
from orders.models import Order, Refund
from tests import factories as f
from tests.api.conftest import client_for, url
from tests.conftest import postgres_only

pytestmark = pytest.mark.django_db(transaction=True)


def in_threads(count: int, work: Callable[[int], int]) -> list[int]:
    """Run work(i) in `count` threads started together; their results, sorted."""
    barrier = threading.Barrier(count)
    results: list[int] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results.append(work(i))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


def test_simultaneous_accepts_answer_one_200_and_409s_on_any_database():
    story = f.case_in_state("negotiation")
    clients = [client_for(story.merchant) for _ in range(6)]
    path = url(story.case.number, "actions/accept")
    statuses = in_threads(
        6, lambda i: clients[i].post(path, {}, format="json").status_code
    )
    assert statuses == [200] + [409] * 5
    assert Refund.objects.filter(dispute=story.case).count() == 1


def test_simultaneous_messages_on_any_database_all_succeed():
    story = f.case_in_state("negotiation")
    clients = [client_for(story.buyer) for _ in range(6)]
    path = url(story.case.number, "messages")
    statuses = in_threads(
        6, lambda i: clients[i].post(path, {"body": f"m{i}"}, format="json").status_code
    )
    assert statuses == [201] * 6


class FirstAttemptDies:
    """Wraps the accept service: the first call fails like a dropped database
    connection after the refund was written (inside the transaction)."""

    def __init__(self, real):
        self.real = real
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, **kwargs):
        with self.lock:
            self.calls += 1
            first = self.calls == 1
        result = self.real(**kwargs)
        if first:
            from django.db import OperationalError

            raise OperationalError("server closed the connection unexpectedly")
        return result


def test_32_concurrent_retries_whose_first_attempt_fails_never_500(monkeypatch):
    story = f.case_in_state("negotiation")
    dying = FirstAttemptDies(dispatch.dispute_accept)
    monkeypatch.setattr(dispatch, "dispute_accept", dying)
    clients = [client_for(story.merchant) for _ in range(32)]
    for client in clients:
        client.raise_request_exception = False
    path = url(story.case.number, "actions/accept")

    def post(i: int) -> int:
        return (
            clients[i]
            .post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="k")
            .status_code
        )

    statuses = in_threads(32, post)
    # The attempt that died is the only error; every retry ran once or replayed.
    assert statuses == [200] * 31 + [500]
    assert Refund.objects.filter(dispute=story.case).count() == 1
    assert Order.objects.get(pk=story.case.order_id).refunded_amount == 100
    assert IdempotencyRecord.objects.filter(key="k", status_code=200).count() == 1
    again = clients[0].post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"


@postgres_only
def test_a_connection_killed_mid_action_leaves_a_retryable_key(monkeypatch):
    """pg_terminate_backend while the refund is written but not committed."""
    story = f.case_in_state("negotiation")
    real = dispatch.dispute_accept
    backend: dict[str, int] = {}
    written = threading.Event()
    killed = threading.Event()

    def accept_then_stall(**kwargs):
        result = real(**kwargs)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend["pid"] = cursor.fetchone()[0]
        written.set()
        killed.wait(10)
        with connection.cursor() as cursor:  # the dead connection fails here
            cursor.execute("SELECT 1")
        return result

    monkeypatch.setattr(dispatch, "dispute_accept", accept_then_stall)
    client = client_for(story.merchant)
    client.raise_request_exception = False
    path = url(story.case.number, "actions/accept")
    outcome: list[int] = []

    def first_attempt() -> None:
        try:
            response = client.post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="kill")
            outcome.append(response.status_code)
        finally:
            connection.close()

    worker = threading.Thread(target=first_attempt)
    worker.start()
    assert written.wait(20)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend["pid"]])
    killed.set()
    worker.join()
    assert outcome == [500]
    assert not Refund.objects.filter(dispute=story.case).exists()
    assert not IdempotencyRecord.objects.filter(key="kill").exists()

    monkeypatch.setattr(dispatch, "dispute_accept", real)
    retry = client.post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="kill")
    assert retry.status_code == 200
    assert retry.json()["state"] == "closed"
    assert Refund.objects.filter(dispute=story.case).count() == 1
