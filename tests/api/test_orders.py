"""Orders: scoped reads and the staff bulk upsert, idempotent by number."""

from __future__ import annotations

import pytest

from orders.models import Order, OrderItem
from tests import factories as f

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_orders_are_scoped_by_role():
    mine = f.OrderFactory()
    other = f.OrderFactory()
    buyer = client_for(mine.buyer)
    assert [o["number"] for o in buyer.get("/api/v1/orders/").json()["results"]] == [
        mine.number
    ]
    assert buyer.get(f"/api/v1/orders/{mine.number}/").json()["total"] == "200.00"
    assert buyer.get(f"/api/v1/orders/{other.number}/").status_code == 404
    merchant = client_for(other.store.owner)
    assert merchant.get(f"/api/v1/orders/{other.number}/").status_code == 200
    assert merchant.get(f"/api/v1/orders/{mine.number}/").status_code == 404
    staff = client_for(f.agent()).get("/api/v1/orders/").json()["results"]
    assert len(staff) == 2


def batch(buyer, store, number="S-1", status="paid", total="99.00"):
    return {"orders": [{
        "number": number, "buyer": buyer.username, "store": store.pk,
        "total": total, "status": status, "placed_at": "2026-11-01T10:00:00+08:00",
        "items": [{"product_name": "杯子", "quantity": 1, "unit_price": total}],
    }]}  # fmt: skip


def test_bulk_upsert_is_idempotent_by_number():
    store, buyer = f.StoreFactory(), f.buyer()
    client = client_for(f.supervisor())
    r = client.post("/api/v1/orders/bulk/", batch(buyer, store), format="json")
    assert r.status_code == 200, r.json()
    assert r.json() == {"created": ["S-1"], "updated": [], "unchanged": []}
    r = client.post("/api/v1/orders/bulk/", batch(buyer, store), format="json")
    assert r.json() == {"created": [], "updated": [], "unchanged": ["S-1"]}
    r = client.post(
        "/api/v1/orders/bulk/", batch(buyer, store, status="delivered"), format="json"
    )
    assert r.json()["updated"] == ["S-1"]
    assert Order.objects.filter(number="S-1").count() == 1
    assert OrderItem.objects.filter(order__number="S-1").count() == 1
    assert Order.objects.get(number="S-1").status == "delivered"


@pytest.mark.parametrize(
    ("who", "status"),
    [("buyer", 403), ("merchant", 403), ("agent", 403), ("manager", 403),
     ("supervisor", 200), ("superuser", 200)],
)  # fmt: skip
def test_bulk_needs_the_add_order_permission(who, status):
    store, buyer = f.StoreFactory(), f.buyer()
    user = {
        "buyer": f.buyer, "merchant": f.merchant, "agent": f.agent,
        "manager": f.manager, "supervisor": f.supervisor,
        "superuser": lambda: f.UserFactory(is_superuser=True, is_staff=True),
    }[who]()  # fmt: skip
    body = batch(buyer, store)
    r = client_for(user).post("/api/v1/orders/bulk/", body, format="json")
    assert r.status_code == status


def test_bulk_reports_bad_rows_by_field():
    store = f.StoreFactory()
    client = client_for(f.supervisor())
    body = batch(f.buyer(), store)
    body["orders"][0]["buyer"] = "ghost"
    r = client.post("/api/v1/orders/bulk/", body, format="json")
    assert r.status_code == 400
    assert "orders.0.buyer" in r.json()["errors"]
    r = client.post("/api/v1/orders/bulk/", {"orders": []}, format="json")
    assert r.status_code == 400
    assert not Order.objects.filter(number="S-1").exists()
