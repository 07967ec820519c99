"""List pages and the case page run a fixed number of queries, however many rows."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes import services
from disputes.models.policy import cached_versions
from tests import factories as f

from .conftest import png

# Every signed-in page also counts the header's unread notifications (one query).
LIST_QUERIES = {"/orders/": 6, "/disputes/": 5}


def _queries(client, url: str) -> int:
    cached_versions()  # the policy versions: read once a minute per process
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _buyer_world(n: int):
    buyer = f.buyer()
    store = f.StoreFactory()
    for i in range(n):
        order = f.OrderFactory(buyer=buyer, store=store)
        f.OrderItemFactory(order=order, product_name=f"商品{i}")
        if i % 2:
            f.DisputeFactory(order=order)
    return buyer, store


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/orders/", "/disputes/", "/disputes/?state=open", "/disputes/?tab=all"]
)
@pytest.mark.parametrize("who", ["buyer", "merchant"])
@time_machine.travel(datetime(2026, 11, 12, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
def test_list_queries_do_not_grow_with_rows(client, url, who):
    counts = []
    for n in (5, 50):
        buyer, store = _buyer_world(n)
        client.force_login(buyer if who == "buyer" else store.owner)
        counts.append(_queries(client, url))
    # session, user, groups (role), [merchant: store ids], rows, [order items];
    # the merchant's queue adds a capped count per tab (five) and the response
    # figures: the month's rollup sum less the days after tomorrow's (none on
    # a month's last day, hence the fixed date).
    expected = LIST_QUERIES[url.split("?")[0]] + (who == "merchant")
    if who == "merchant" and url.startswith("/disputes/"):
        expected += 8  # six tabs now: the goods' 待收货
    assert counts == [expected, expected], counts


@pytest.mark.django_db
def test_case_page_queries_do_not_grow_with_the_timeline(client):
    counts = []
    for n in (5, 50):
        story = f.case_in_state("negotiation")
        for i in range(n):
            services.message_post(dispute=story.case, actor=story.buyer, body=f"m{i}")
            services.evidence_upload(
                dispute=story.case, actor=story.merchant, file=png(f"p{i}.png")
            )
        client.force_login(story.buyer)
        counts.append(_queries(client, story.case.get_absolute_url()))
    # session, user, groups, case (+order, ruling, appeal), items, requests,
    # timeline; the user's "seen" mark, its notifications read, the header count
    assert counts == [10, 10], counts


@pytest.mark.django_db
def test_ruled_case_page_queries_are_fixed(client):
    counts = []
    for n in (5, 50):
        story = f.case_in_state("appeal")
        for i in range(n):
            services.message_post(dispute=story.case, actor=story.buyer, body=f"m{i}")
        client.force_login(story.merchant)
        counts.append(_queries(client, story.case.get_absolute_url()))
    # the merchant's store ids: one more; their store health (the latest
    # score, without one no category query) and the case's contest: two more
    assert counts == [13, 13], counts
