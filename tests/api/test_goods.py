"""The goods through the API: carriers, a return shipped and confirmed,
logistics events (staff only, once per event), the goods on the case, 409s."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from disputes.models import LogisticsEvent
from orders.models import OrderItem
from tests import factories as f

from .conftest import act, url

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/logistics/events/"


def test_carriers_list_every_carrier_with_its_format(api):
    r = api(f.OrderFactory().buyer).get("/api/v1/carriers/")
    assert r.status_code == 200
    codes = [row["code"] for row in r.json()]
    assert codes == ["SF", "ZTO", "YTO", "YD", "STO", "JD", "EMS", "JT"]
    assert set(r.json()[0]) == {"code", "name", "pattern", "example"}
    assert api(None).get("/api/v1/carriers/").status_code == 401


def open_return(api, order, amount="100.00", **extra):
    r = api(order.buyer).post(
        "/api/v1/disputes/",
        {"order": order.number, "reason": "quality", "remedy": "return_refund",
         "amount": amount, "description": "开线", **extra},
        format="json",
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    return r.json()


def test_a_return_through_the_api(api):
    order = f.OrderFactory()
    buyer, merchant = order.buyer, order.store.owner
    number = open_return(api, order)["number"]
    r = act(api(merchant), number, "accept")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["state"], body["return_step"], body["held_amount"]) == (
        "returning", "awaiting_return", "100.00",
    )  # fmt: skip
    assert body["refunded_amount"] == "0.00"
    assert body["shipments"] == [] and body["items"] == []
    assert api(buyer).get(url(number)).json()["available_actions"] == ["ship_return"]
    # Wrong state for the merchant's confirm: 409; a bad number: 400.
    assert act(api(merchant), number, "confirm_return").status_code == 409
    r = act(api(buyer), number, "ship_return", carrier="SF", tracking_number="123")
    assert r.status_code == 400
    assert "tracking_number" in r.json()["errors"]
    r = act(api(buyer), number, "ship_return", carrier="SF",
            tracking_number="SF1234567890123")  # fmt: skip
    assert r.status_code == 200, r.json()
    (parcel,) = r.json()["shipments"]
    assert (parcel["direction"], parcel["carrier"], parcel["tracking_number"]) == (
        "return", "SF", "SF1234567890123",
    )  # fmt: skip
    assert act(api(buyer), number, "ship_return", carrier="SF",
               tracking_number="SF1234567890124").status_code == 409  # fmt: skip
    assert "confirm_return" in api(merchant).get(url(number)).json()[
        "available_actions"]  # fmt: skip
    r = act(api(merchant), number, "confirm_return")
    assert r.status_code == 200
    assert (r.json()["state"], r.json()["refunded_amount"]) == ("closed", "100.00")


def test_logistics_events_staff_only_and_once_per_event(api):
    order = f.OrderFactory()
    number = open_return(api, order)["number"]
    act(api(order.store.owner), number, "accept")
    act(api(order.buyer), number, "ship_return", carrier="ZTO",
        tracking_number="75123456789012")  # fmt: skip
    at = (timezone.now() + timedelta(hours=20)).isoformat()
    event = {"carrier": "ZTO", "tracking_number": "75123456789012",
             "status": "delivered", "at": at, "event_id": "agg-77"}  # fmt: skip
    assert api(order.buyer).post(EVENTS, event, format="json").status_code == 403
    staff = f.agent()
    staff.is_staff = True
    staff.save()
    r = api(staff).post(EVENTS, event, format="json")
    assert (r.status_code, r.json()) == (201, {"created": True, "matched": True})
    r = api(staff).post(EVENTS, event, format="json")
    assert (r.status_code, r.json()) == (200, {"created": False, "matched": True})
    assert LogisticsEvent.objects.count() == 1
    case = api(order.buyer).get(url(number)).json()
    assert case["shipments"][0]["delivered_at"] is not None
    assert case["deadline_kind"] == "return_receipt"
    bad = {**event, "status": "lost", "event_id": "agg-78"}
    assert api(staff).post(EVENTS, bad, format="json").status_code == 400


def test_items_on_open_cap_the_amount(api):
    order = f.OrderFactory(total=Decimal("200.00"))
    OrderItem.objects.filter(order=order).delete()
    cup = OrderItem.objects.create(
        order=order, product_name="杯子", quantity=2, unit_price=Decimal("30.00")
    )
    r = api(order.buyer).post(
        "/api/v1/disputes/",
        {"order": order.number, "reason": "damaged", "remedy": "refund_only",
         "amount": "70.00", "description": "碎了",
         "items": [{"item": cup.pk, "quantity": 2}]},
        format="json",
    )  # fmt: skip
    assert r.status_code == 400
    case = open_return(api, order, amount="30.00",
                       items=[{"item": cup.pk, "quantity": 1}])  # fmt: skip
    assert case["items"] == [
        {"item": cup.pk, "product_name": "杯子", "quantity": 1, "unit_price": "30.00"}
    ]


def test_an_exchange_opens_without_an_amount(api):
    order = f.OrderFactory()
    r = api(order.buyer).post(
        "/api/v1/disputes/",
        {"order": order.number, "reason": "quality", "remedy": "exchange",
         "description": "尺码不对"},
        format="json",
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    assert r.json()["amount"] == "0.00"
