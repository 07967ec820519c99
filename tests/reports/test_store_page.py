"""A merchant's own figures against the median store of the category, and the
agents' 90-day party history read from the rollups."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from disputes import selectors as dispute_selectors
from disputes.models import Dispute
from reports.analysis import store_against_category
from reports.measures import local_day
from tests.factories import (
    CategoryFactory,
    DisputeFactory,
    OrderFactory,
    StoreFactory,
    buyer,
    case_in_state,
    manager,
)
from workbench.queues import party_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def shops():
    """Three apparel stores this month: 4 orders each; cases 2/1/0 of which
    intervened 1/1/0; plus a food store that must not count in the median."""
    apparel = CategoryFactory(code="apparel")
    now = timezone.now()
    stores = [StoreFactory(category=apparel) for _ in range(3)]
    for store, cases, intervened in zip(stores, (2, 1, 0), (1, 1, 0), strict=True):
        orders = [OrderFactory(store=store, placed_at=now) for _ in range(4)]
        for i in range(cases):
            DisputeFactory(
                order=orders[i], opened_at=now,
                intervened_at=now if i < intervened else None,
            )  # fmt: skip
    food = StoreFactory(category=CategoryFactory(code="food"))
    DisputeFactory(order__store=food, order__placed_at=now, opened_at=now,
                   intervened_at=now)  # fmt: skip
    return stores


def test_store_against_category_median(shops):
    result = store_against_category(store=shops[0], today=local_day(timezone.now()))
    this_month = result["rows"][-1]
    assert len(result["rows"]) == 12
    assert (this_month["orders"], this_month["cases"]) == (4, 2)
    assert this_month["intervention_rate"] == 0.5
    assert this_month["dispute_rate"] == 0.5
    # Stores with orders: dispute rates 0.5, 0.25, 0 -> median 0.25; stores
    # with cases: intervention rates 0.5 and 1.0 -> median 0.75.
    assert this_month["median"]["dispute_rate"] == 0.25
    assert this_month["median"]["intervention_rate"] == 0.75
    assert result["rows"][0]["cases"] == 0 and result["rows"][0]["dispute_rate"] is None


def test_merchant_page_is_their_own(client, shops):
    owner = shops[0].owner
    client.force_login(owner)
    page = client.get("/reports/store/")
    assert page.status_code == 200 and page.context["store"] == shops[0]
    assert client.get(f"/reports/store/?store={shops[1].pk}").status_code == 400
    month = f"{local_day(timezone.now()):%Y-%m}"
    page = client.get(f"/reports/store/?store={shops[0].pk}&month={month}")
    assert {c.store_id for c in page.context["cases"]} == {shops[0].pk}
    assert len(page.context["cases"]) == 2
    csv = client.get("/reports/store/?format=csv")
    assert b"".join(csv.streaming_content).decode().startswith("\ufeff")
    assert "/reports/store/" in client.get("/disputes/").content.decode()


@pytest.mark.parametrize(("who", "status"), [(buyer, 404), (manager, 400)])
def test_others(client, shops, who, status):
    client.force_login(who())
    assert client.get("/reports/store/?store=99999").status_code == status


def test_merchant_page_queries(client, shops):
    client.force_login(shops[0].owner)
    client.get("/reports/store/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/reports/store/").status_code == 200
    assert len(ctx.captured_queries) == 7


def raw_history(case: Dispute) -> dict:
    # The selector's own fallback: counting the store's cases directly.
    return dispute_selectors._history(
        dispute_selectors.Q(store_id=case.store_id), case.pk
    )


def test_party_history_reads_rollups_and_matches_the_raw_count():
    story = case_in_state("appeal")
    store = story.case.store
    for state in ("closed", "mediation", "negotiation"):
        case_in_state(state, store=store)
    old = DisputeFactory(
        order__store=store, opened_at=timezone.now() - timedelta(days=120)
    )
    case = Dispute.objects.get(pk=story.case.pk)
    from_rollups = party_history(dispute=case)["store"]
    assert from_rollups.pop("repeat") is False  # no merchant-at-fault rulings
    assert from_rollups.pop("repeat_rule")
    assert from_rollups == raw_history(case)
    assert from_rollups["total"] == 3 and old.pk
    with CaptureQueriesContext(connection) as ctx:
        party_history(dispute=case)
    store_queries = [q for q in ctx.captured_queries if "disputes_dispute" in q["sql"]]
    assert store_queries == []  # the buyer's history comes from BuyerDay too
