"""A page of the list endpoints costs the same number of queries for 5 or 100 rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes.models import Appeal, Ruling
from tests import factories as f

from .conftest import client_for

pytestmark = pytest.mark.django_db


def queries_for(client, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(path)
    assert r.status_code == 200
    return len(ctx.captured_queries), len(r.json()["results"])


def rich_cases(n: int, store, rule, judge):
    for _ in range(n):
        case = f.DisputeFactory(order=f.OrderFactory(store=store), state="appeal")
        Ruling.objects.create(dispute=case, outcome="buyer", liability="merchant",
                              rule=rule, reasoning="x", decided_by=judge)  # fmt: skip
        Appeal.objects.create(dispute=case, appellant=case.buyer, party="buyer",
                              reason="y")  # fmt: skip


@pytest.mark.parametrize("role", ["merchant", "agent"])
def test_case_list_queries_do_not_grow(role):
    store = f.StoreFactory()
    rule, judge = f.PlatformRuleFactory(), f.supervisor()
    user = store.owner if role == "merchant" else f.agent()
    client = client_for(user)
    rich_cases(5, store, rule, judge)
    small, rows = queries_for(client, "/api/v1/disputes/?page_size=100")
    assert rows == 5
    rich_cases(95, store, rule, judge)
    big, rows = queries_for(client, "/api/v1/disputes/?page_size=100")
    assert rows == 100
    assert small == big


def test_order_list_queries_do_not_grow():
    store = f.StoreFactory()
    client = client_for(store.owner)
    f.OrderFactory.create_batch(5, store=store)
    small, _ = queries_for(client, "/api/v1/orders/?page_size=100")
    f.OrderFactory.create_batch(95, store=store)
    big, rows = queries_for(client, "/api/v1/orders/?page_size=100")
    assert rows == 100
    assert small == big


def test_cursor_pages_are_stable_under_inserts():
    store = f.StoreFactory()
    client = client_for(store.owner)
    for _ in range(5):
        f.DisputeFactory(order=f.OrderFactory(store=store))
    first = client.get("/api/v1/disputes/?page_size=2").json()
    f.DisputeFactory(order=f.OrderFactory(store=store))  # a newer case arrives
    second = client.get(first["next"]).json()
    seen = [c["number"] for c in first["results"] + second["results"]]
    assert len(seen) == len(set(seen)) == 4
    assert "count" not in first


def test_list_filters():
    story = f.case_in_state("verification")
    f.case_in_state("negotiation")
    client = client_for(story.supervisor)

    def get(query: str) -> list[str]:
        rows = client.get(f"/api/v1/disputes/?{query}").json()["results"]
        return [c["number"] for c in rows]

    assert get("state=verification") == [story.case.number]
    assert get(f"assigned_to={story.agent.username}") == [story.case.number]
    assert get(f"assigned_to={story.agent.pk}") == [story.case.number]
    assert get(f"store={story.case.store_id}") == [story.case.number]
    assert len(get("reason=quality")) == 2
    assert get("opened_after=2999-01-01T00:00:00Z") == []
    assert len(get("opened_before=2999-01-01T00:00:00Z")) == 2
    bad = client.get("/api/v1/disputes/?state=nope")
    assert bad.status_code == 400 and "state" in bad.json()["errors"]
    assert client.get("/api/v1/disputes/?page_size=0").status_code == 400
    assert client.get("/api/v1/disputes/?cursor=zzz").status_code == 400
