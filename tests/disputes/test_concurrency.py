"""Two clicks, retries and two agents at once: an action takes effect once.

Needs PostgreSQL (row locks); on SQLite the test is skipped and says why.
"""

from __future__ import annotations

import threading
from decimal import Decimal as D

import pytest
from django.db import connection

from core.errors import ApplicationError
from disputes import services
from disputes.models import Dispute
from orders.models import Refund
from tests.conftest import postgres_only
from tests.factories import agent, case_in_state

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 6


def race(run) -> list[str]:
    """Start THREADS threads at once; each returns 'ok' or the error's code."""
    barrier = threading.Barrier(THREADS)
    results: list[str] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        try:
            barrier.wait()
            run(i)
            outcome = "ok"
        except ApplicationError as exc:
            outcome = str(exc.status_code)
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


def test_same_accept_many_times_refunds_once():
    story = case_in_state("negotiation")
    number = story.case.number
    results = race(
        lambda i: services.dispute_accept(dispute=story.case, actor=story.merchant)
    )
    assert results == ["409"] * (THREADS - 1) + ["ok"]
    case = Dispute.objects.get(number=number)
    assert case.events.filter(action="accept").count() == 1
    assert Refund.objects.filter(dispute=case).count() == 1
    assert case.refunded_amount == case.amount


def test_two_agents_take_the_same_complaint():
    story = case_in_state("complaint")
    agents = [agent() for _ in range(THREADS)]
    number = story.case.number
    results = race(lambda i: services.dispute_take(dispute=story.case, actor=agents[i]))
    assert results == ["409"] * (THREADS - 1) + ["ok"]
    case = Dispute.objects.get(number=number)
    assert case.events.filter(action="take").count() == 1
    assert case.assigned_to_id == case.events.get(action="take").actor_id


def test_ruling_races_refund_once():
    story = case_in_state("verification")
    number = story.case.number
    results = race(
        lambda i: services.dispute_rule(
            dispute=story.case,
            actor=story.agent,
            outcome="buyer",
            liability="merchant",
            amount=D("100.00"),
            rule=story.rule,
            reasoning="属实",
        )
    )
    assert results == ["409"] * (THREADS - 1) + ["ok"]
    assert Refund.objects.filter(dispute__number=number).count() == 1


def test_concurrent_opens_on_one_order_make_one_case():
    story = case_in_state("closed", amount=D("10.00"))
    order = story.case.order
    results = race(
        lambda i: services.dispute_open(
            actor=story.buyer,
            order=order,
            reason="damaged",
            remedy="refund_only",
            amount=D("5.00"),
            description="破损",
        )
    )
    assert results == ["409"] * (THREADS - 1) + ["ok"]
    assert Dispute.objects.filter(order=order, state="negotiation").count() == 1
