"""Idempotency-Key: a retry replays; the same key with another body is refused."""

from __future__ import annotations

import pytest

from core.models import IdempotencyRecord
from disputes.models import Dispute
from orders.models import Refund
from tests import factories as f

from .conftest import client_for, url

pytestmark = pytest.mark.django_db


def open_with_key(client, order, key, amount="10.00"):
    return client.post(
        "/api/v1/disputes/",
        {"order": order.number, "reason": "quality", "remedy": "refund_only",
         "amount": amount, "description": "衣服有破洞"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )  # fmt: skip


def test_retry_with_the_same_key_replays_the_first_response():
    order = f.OrderFactory()
    client = client_for(order.buyer)
    first = open_with_key(client, order, "k-1")
    again = open_with_key(client, order, "k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Dispute.objects.filter(order=order).count() == 1


def test_same_key_with_another_body_is_refused():
    order = f.OrderFactory()
    client = client_for(order.buyer)
    open_with_key(client, order, "k-2")
    r = open_with_key(client, order, "k-2", amount="11.00")
    assert r.status_code == 422
    assert r.json()["code"] == "idempotency_key_reused"


def test_a_retried_accept_refunds_once():
    story = f.case_in_state("negotiation")
    client = client_for(story.merchant)
    path = url(story.case.number, "actions/accept")
    responses = [client.post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="acc")
                 for _ in range(3)]  # fmt: skip
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert Refund.objects.filter(dispute=story.case).count() == 1
    without_key = client.post(path, {}, format="json")
    assert without_key.status_code == 409


def test_failed_first_attempt_is_not_stored():
    story = f.case_in_state("negotiation")
    client = client_for(story.merchant)
    path = url(story.case.number, "actions/reject")
    r = client.post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="rej")
    assert r.status_code == 400
    assert not IdempotencyRecord.objects.filter(key="rej").exists()
    r = client.post(path, {"reason": "否"}, format="json", HTTP_IDEMPOTENCY_KEY="rej")
    assert r.status_code == 200


def test_keys_belong_to_one_user():
    story = f.case_in_state("negotiation")
    path = url(story.case.number, "messages")
    a = client_for(story.buyer).post(
        path, {"body": "hi"}, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    b = client_for(story.merchant).post(
        path, {"body": "hi"}, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["id"] != b.json()["id"]


def test_purge_forgets_old_responses_and_abandoned_claims():
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    user = f.buyer()
    now = timezone.now()
    rows = {
        "fresh": (now - timedelta(hours=23), 201),
        "old": (now - timedelta(hours=25), 201),
        "running": (now - timedelta(minutes=5), None),
        "abandoned": (now - timedelta(minutes=11), None),
    }
    for key, (created, status_code) in rows.items():
        record = IdempotencyRecord.objects.create(
            user=user,
            key=key,
            method="POST",
            path="/",
            fingerprint="x",
            status_code=status_code,
        )
        IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=created)
    call_command("purge_idempotency_keys")
    kept = set(IdempotencyRecord.objects.values_list("key", flat=True))
    assert kept == {"fresh", "running"}
