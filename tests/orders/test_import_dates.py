"""The staff order import takes times from 2000 up to now (a day's tolerance)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from orders.models import Order
from tests import factories as f
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

BULK = "/api/v1/orders/bulk/"
PLACED = "2026-11-01T10:00:00+08:00"
SOON = (timezone.now() + timedelta(hours=20)).isoformat()
LATER = (timezone.now() + timedelta(days=2)).isoformat()
WINDOW = "Enter a time from 2000-01-01 up to now."
AFTER_PLACED = "Not before the order was placed."


def row(buyer, store, number: str = "S-1", **times) -> dict:
    return {
        "number": number, "buyer": buyer.username, "store": store.pk,
        "total": "99.00", "status": "delivered", "placed_at": PLACED, **times,
    }  # fmt: skip


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("times", "errors"),
    [
        ({"placed_at": "0001-01-01T00:00:00Z"}, {"placed_at": WINDOW}),
        ({"placed_at": "2999-06-01T00:00:00+08:00"}, {"placed_at": WINDOW}),
        ({"placed_at": "1999-12-31T23:59:59+00:00"}, {"placed_at": WINDOW}),
        ({"placed_at": LATER}, {"placed_at": WINDOW}),
        ({"paid_at": "0001-01-01T00:00:00Z"}, {"paid_at": WINDOW}),
        ({"shipped_at": "2999-01-01T00:00:00Z"}, {"shipped_at": WINDOW}),
        ({"delivered_at": LATER}, {"delivered_at": WINDOW}),
        ({"paid_at": "2026-11-01T09:59:59+08:00"}, {"paid_at": AFTER_PLACED}),
        ({"delivered_at": "2026-10-30T00:00:00+08:00"}, {"delivered_at": AFTER_PLACED}),
        ({"placed_at": "2000-01-01T00:00:00+00:00"}, {}),
        ({"placed_at": SOON}, {}),  # a clock a few hours ahead
        (
            {
                "paid_at": PLACED,
                "shipped_at": "2026-11-02T08:00:00+08:00",
                "delivered_at": "2026-11-04T18:00:00+08:00",
            },
            {},
        ),
    ],
)
def test_order_times_are_checked_field_by_field(english, times, errors):
    store, buyer = f.StoreFactory(), f.buyer()
    body = {"orders": [row(buyer, store, **times)]}
    response = client_for(f.supervisor()).post(BULK, body, format="json")
    if not errors:
        assert response.status_code == 200, response.json()
        assert Order.objects.filter(number="S-1").count() == 1
        return
    assert response.status_code == 400
    assert response.json()["errors"] == {
        f"orders.0.{name}": [message] for name, message in errors.items()
    }
    assert not Order.objects.filter(number="S-1").exists()


def test_one_bad_row_writes_nothing_of_the_batch(english):
    store, buyer = f.StoreFactory(), f.buyer()
    body = {"orders": [
        row(buyer, store, "S-1"),
        row(buyer, store, "S-2", placed_at="2999-01-01T00:00:00Z"),
    ]}  # fmt: skip
    response = client_for(f.supervisor()).post(BULK, body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["orders.1.placed_at"]
    assert not Order.objects.filter(number__in=["S-1", "S-2"]).exists()


def test_an_update_to_a_bad_time_leaves_the_order_as_it_was(english):
    store, buyer = f.StoreFactory(), f.buyer()
    client = client_for(f.supervisor())
    first = client.post(BULK, {"orders": [row(buyer, store)]}, format="json")
    assert first.status_code == 200
    bad = row(buyer, store, delivered_at="0001-01-01T00:00:00Z")
    response = client.post(BULK, {"orders": [bad]}, format="json")
    assert response.status_code == 400
    assert Order.objects.get(number="S-1").delivered_at is None


def test_the_messages_are_in_chinese_too():
    store, buyer = f.StoreFactory(), f.buyer()
    body = {"orders": [row(buyer, store, placed_at="0001-01-01T00:00:00Z",
                           paid_at="2026-11-01T09:00:00+08:00")]}  # fmt: skip
    response = client_for(f.supervisor()).post(
        BULK, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.json()["errors"] == {
        "orders.0.placed_at": ["请填写 2000-01-01 至今之间的时间。"],
    }
