"""A page of the list endpoints costs the same number of queries for 5 or 100 rows."""

from __future__ import annotations

import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from disputes import selectors, services
from disputes.api.serializers import DisputeDetailSerializer
from disputes.models import Appeal, Ruling
from orders.models import OrderItem
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


def decision_queries(ctx) -> list[str]:
    tables = ('"disputes_ruling"', '"disputes_appeal"')
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")
            and any(f"FROM {t}" in q["sql"] for t in tables)]  # fmt: skip


def test_cases_not_yet_ruled_read_no_ruling_or_appeal():
    """A ruling exists only once a case is ruled (`ruled_at`), an appeal only
    after one: a page of open cases, and an open case, skip both queries."""
    story = f.case_in_state("verification")
    f.case_in_state("negotiation", order=f.OrderFactory(store=story.case.store))
    client = client_for(story.supervisor)
    for path in ("/api/v1/disputes/", f"/api/v1/disputes/{story.case.number}/"):
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(path)
        assert r.status_code == 200
        assert decision_queries(ctx) == []
        rows = r.json().get("results", [r.json()])
        assert rows and all(
            row["ruling"] is None and row["appeal"] is None for row in rows
        )


def test_ruled_and_appealed_cases_show_their_ruling_and_appeal():
    appealed = f.case_in_state("appeal")
    ruled = f.case_in_state("ruled", order=f.OrderFactory(store=appealed.case.store))
    open_case = f.case_in_state(
        "complaint", order=f.OrderFactory(store=appealed.case.store)
    )
    client = client_for(appealed.supervisor)
    rows = {c["number"]: c for c in client.get("/api/v1/disputes/").json()["results"]}
    assert rows[appealed.case.number]["ruling"]["outcome"] == "buyer"
    assert rows[appealed.case.number]["appeal"] is not None
    assert rows[ruled.case.number]["ruling"]["outcome"] == "buyer"
    assert rows[ruled.case.number]["appeal"] is None
    assert rows[open_case.case.number]["ruling"] is None
    one = client.get(f"/api/v1/disputes/{appealed.case.number}/").json()
    assert (
        one["ruling"]["rule"] and one["appeal"]["party"] == "merchant"
    )  # the loser appealed


def goods_queries(ctx) -> list[str]:
    tables = ('"disputes_shipment"', '"disputes_claimeditem"')
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")
            and any(f"FROM {t}" in q["sql"] for t in tables)]  # fmt: skip


def test_a_case_without_items_or_parcels_reads_neither():
    """The detail reads the claimed items only when the claim names some
    (`names_items`) and the parcels only once one was sent (`has_parcels`)."""
    story = f.case_in_state("negotiation", remedy="return_refund")
    client = client_for(story.buyer)
    path = f"/api/v1/disputes/{story.case.number}/"
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(path).json()
    assert goods_queries(ctx) == []
    assert body["shipments"] == [] and body["items"] == []


def test_named_items_and_sent_parcels_are_read_and_shown():
    order = f.OrderFactory(total=Decimal("300.00"))
    OrderItem.objects.filter(order=order).delete()
    cup = OrderItem.objects.create(
        order=order, product_name="杯子", quantity=3, unit_price=Decimal("40.00")
    )
    OrderItem.objects.create(
        order=order, product_name="壶", quantity=1, unit_price=Decimal("180.00")
    )
    case = services.dispute_open(
        actor=order.buyer, order=order, reason="damaged", remedy="return_refund",
        amount=Decimal("80.00"), description="碎了", items=[(cup.pk, 2)],
    )  # fmt: skip
    assert case.names_items and not case.has_parcels
    services.dispute_accept(dispute=case, actor=order.store.owner)
    case = services.dispute_ship_return(
        dispute=case, actor=order.buyer, carrier="SF",
        tracking_number="SF1234567890123",
    )  # fmt: skip
    case.refresh_from_db()
    assert case.has_parcels
    client = client_for(order.buyer)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(f"/api/v1/disputes/{case.number}/").json()
    assert len(goods_queries(ctx)) == 2
    assert [(i["item"], i["quantity"]) for i in body["items"]] == [(cup.pk, 2)]
    assert [s["tracking_number"] for s in body["shipments"]] == ["SF1234567890123"]


def lone_row_reads(ctx) -> list[str]:
    """Queries reading one row of a table the case query joins (or of the case
    itself): what a field left out of `.only()` costs when it is touched."""
    tables = ("disputes_dispute", "orders_order", "stores_store", "accounts_user")
    lone = [f'FROM "{t}" WHERE "{t}"."id" =' for t in tables]
    return [q["sql"] for q in ctx.captured_queries
            if any(shape in q["sql"] for shape in lone)]  # fmt: skip


@pytest.mark.parametrize(
    "state",
    ["negotiation", "complaint", "verification", "mediation", "ruled", "appeal",
     "closed", "returning"],
)  # fmt: skip
def test_the_answer_reads_only_its_columns_and_says_what_the_whole_row_says(state):
    """GET one reads the case with the columns its answer needs
    (`dispute_answer`): no field is loaded later on its own, and the answer is
    the one the whole rows give, for every party."""
    if state == "returning":
        story = f.case_in_state("negotiation", remedy="return_refund")
        store = story.case.store
        store.return_recipient, store.return_phone = "王五", "13800000000"
        store.return_province, store.return_city = "浙江省", "杭州市"
        store.return_district, store.return_address_line = "西湖区", "文三路 1 号"
        store.save()
        services.dispute_accept(dispute=story.case, actor=story.merchant)
    else:
        story = f.case_in_state(state)
    number = story.refresh().number
    for user in (story.buyer, story.merchant, story.supervisor):
        with CaptureQueriesContext(connection) as ctx:
            body = client_for(user).get(f"/api/v1/disputes/{number}/").json()
        assert lone_row_reads(ctx) == []
        whole = selectors.dispute_feed_item(user=user, number=number)
        request = SimpleNamespace(user=user)
        assert body == json.loads(
            JSONRenderer().render(
                DisputeDetailSerializer(whole, context={"request": request}).data
            )
        )
    if state == "returning":
        assert body["return_address"]["city"] == "杭州市"
