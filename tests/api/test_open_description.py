"""POST /api/v1/disputes/ asks the same description rule as every opening:
400 in the one error shape, naming `description`, and nothing opened."""

from __future__ import annotations

import pytest

from disputes.models import Dispute
from tests.disputes.test_open_description import TABLE

from .conftest import client_for, f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reason, description, refused", TABLE)
def test_the_api_refuses_a_missing_description_where_the_reason_needs_it(
    reason, description, refused
):
    order = f.OrderFactory()
    response = client_for(order.buyer).post(
        "/api/v1/disputes/",
        {"order": order.number, "reason": reason, "remedy": "refund_only",
         "amount": "10.00", "description": description},
        format="json",
    )  # fmt: skip
    if refused:
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["code"] == "invalid" and body["message"]
        assert set(body["errors"]) == {"description"}
        assert not Dispute.objects.filter(order=order).exists()
    else:
        assert response.status_code == 201, response.content
        assert Dispute.objects.get(order=order).description == description.strip()


def test_leaving_description_out_is_the_same_as_sending_none():
    order = f.OrderFactory()
    response = client_for(order.buyer).post(
        "/api/v1/disputes/",
        {"order": order.number, "reason": "damaged", "remedy": "refund_only",
         "amount": "10.00"},
        format="json", HTTP_ACCEPT_LANGUAGE="zh-hans",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"] == {"description": ["请描述问题，方便商家核实。"]}
