"""Simultaneous identical actions: one 200, the rest 409, one refund (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from orders.models import Order, Refund
from tests import factories as f
from tests.conftest import postgres_only

from .conftest import client_for, url

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]
THREADS = 6


def race(clients, path: str, data: dict) -> list[int]:
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def run(client):
        try:
            barrier.wait()
            statuses.append(client.post(path, data, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_simultaneous_accepts_refund_once():
    story = f.case_in_state("negotiation")
    clients = [client_for(story.merchant) for _ in range(THREADS)]
    path = url(story.case.number, "actions/accept")
    assert race(clients, path, {}) == [200] + [409] * (THREADS - 1)
    assert Refund.objects.filter(dispute=story.case).count() == 1
    assert Order.objects.get(pk=story.case.order_id).refunded_amount == 100


def test_two_agents_take_the_same_complaint():
    story = f.case_in_state("complaint")
    clients = [client_for(f.agent()) for _ in range(THREADS)]
    path = url(story.case.number, "actions/take")
    assert race(clients, path, {}) == [200] + [409] * (THREADS - 1)
    assert story.refresh().state == "verification"


def test_simultaneous_opens_on_one_order():
    order = f.OrderFactory()
    clients = [client_for(order.buyer) for _ in range(THREADS)]
    data = {"order": order.number, "reason": "quality", "remedy": "refund_only",
            "amount": "10.00", "description": "破损"}  # fmt: skip
    assert race(clients, "/api/v1/disputes/", data) == [201] + [409] * (THREADS - 1)
