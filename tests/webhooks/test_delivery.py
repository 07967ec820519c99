"""Case events reach the merchant's receiver signed (Standard Webhooks), after
commit, from the task queue; failures are retried, then the endpoint is off."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from standardwebhooks import Webhook

from disputes import services
from tests import factories as f
from webhooks import services as webhook_services
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from webhooks.signals import endpoint_disabled

from .conftest import run_tasks

pytestmark = pytest.mark.django_db


def register(store, url: str, events=None) -> tuple[WebhookEndpoint, str]:
    return webhook_services.endpoint_create(
        actor=store.owner, url=url, events=events or [], store_id=store.pk
    )


def test_an_action_is_delivered_signed_with_the_case_as_json(receiver):
    story = f.case_in_state("negotiation")
    _endpoint, secret = register(story.case.store, receiver.url)
    services.dispute_reject(
        dispute=story.case, actor=story.merchant, reason="无质量问题"
    )
    assert receiver.received == []  # nothing leaves before the worker runs
    run_tasks()
    [message] = receiver.received
    payload = Webhook(secret).verify(message.body, message.headers)
    assert payload["type"] == "dispute.rejected"
    case = payload["data"]["case"]
    assert case["number"] == story.case.number
    assert case["state"] == "negotiation"
    assert case["rejection_reason"] == "无质量问题"
    # What the store owner may do now (not what the buyer may).
    assert "request_intervention" in case["available_actions"]
    assert "withdraw" not in case["available_actions"]
    assert payload["data"]["event"]["action"] == "reject"
    delivery = WebhookDelivery.objects.get()
    assert message.headers["webhook-id"] == delivery.message_id
    assert delivery.status == DeliveryStatus.SUCCEEDED
    [attempt] = delivery.attempt_log.all()
    assert (attempt.succeeded, attempt.response_code, attempt.error) == (
        True,
        204,
        "",
    )
    assert attempt.duration_ms >= 0


def test_a_wrong_secret_does_not_verify(receiver):
    story = f.case_in_state("negotiation")
    register(story.case.store, receiver.url)
    services.dispute_accept(dispute=story.case, actor=story.merchant)
    run_tasks()
    [message] = receiver.received
    other = webhook_services.secret_new()
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(other).verify(message.body, message.headers)


def test_only_chosen_events_of_the_own_store_are_sent(receiver):
    story = f.case_in_state("negotiation")
    register(story.case.store, receiver.url, events=["dispute.ruled"])
    other_store = f.case_in_state("negotiation")
    register(other_store.case.store, receiver.url + "/other", events=[])
    services.dispute_reject(dispute=story.case, actor=story.merchant, reason="不同意")
    run_tasks()
    assert receiver.received == []
    services.dispute_reject(
        dispute=other_store.case, actor=other_store.merchant, reason="不同意"
    )
    run_tasks()
    assert len(receiver.received) == 1


def test_internal_entries_are_never_sent(receiver):
    story = f.case_in_state("verification")
    register(story.case.store, receiver.url)
    services.message_post(
        dispute=story.case, actor=story.agent, body="内部备注", internal=True
    )
    run_tasks()
    assert receiver.received == []


def test_the_whole_story_arrives_as_named_events(receiver):
    order = f.OrderFactory()
    _endpoint, secret = register(order.store, receiver.url)
    story = f.case_in_state("ruled", order=order)
    run_tasks()
    types = [
        Webhook(secret).verify(m.body, m.headers)["type"] for m in receiver.received
    ]
    assert sorted(types) == sorted(
        [
            "dispute.opened",
            "dispute.rejected",
            "dispute.intervention_requested",
            "dispute.taken",
            "dispute.ruled",
        ]
    )
    assert story.case.number in receiver.received[0].body.decode()


def test_a_rotated_secret_and_the_old_one_both_verify_for_a_day(receiver):
    story = f.case_in_state("negotiation")
    endpoint, old = register(story.case.store, receiver.url)
    new = webhook_services.endpoint_rotate(actor=story.merchant, endpoint=endpoint)
    assert new.startswith("whsec_") and new != old
    services.dispute_accept(dispute=story.case, actor=story.merchant)
    run_tasks()
    [message] = receiver.received
    Webhook(new).verify(message.body, message.headers)
    Webhook(old).verify(message.body, message.headers)


def test_a_failing_receiver_is_retried_with_back_off_then_disabled(receiver):
    receiver.status = 500
    story = f.case_in_state("negotiation")
    story.merchant.email = "owner@example.com"
    story.merchant.save()
    endpoint, _ = register(story.case.store, receiver.url)
    heard = []
    endpoint_disabled.connect(lambda **kw: heard.append(kw["endpoint"].pk), weak=False)

    started = time.monotonic()
    services.dispute_reject(dispute=story.case, actor=story.merchant, reason="不同意")
    assert time.monotonic() - started < 2  # the action never waits for a receiver
    assert story.refresh().merchant_response == "rejected"

    delivery = WebhookDelivery.objects.get()
    first = delivery.created_at
    mail.outbox.clear()
    run_tasks()
    delivery.refresh_from_db()
    while delivery.status == DeliveryStatus.PENDING:
        with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
            run_tasks()
        delivery.refresh_from_db()

    attempts = list(delivery.attempt_log.order_by("number"))
    assert delivery.status == DeliveryStatus.FAILED
    assert len(receiver.received) == len(attempts) == 13
    assert {a.response_code for a in attempts} == {500}
    assert all(a.error == "HTTP 500" and not a.succeeded for a in attempts)
    gaps = [(b.at - a.at).total_seconds() for a, b in itertools.pairwise(attempts)]
    assert [round(g) for g in gaps[:5]] == [31, 61, 121, 241, 481]  # doubling
    assert max(gaps) < 6 * 3600 + 2  # capped at 6 h
    assert attempts[-1].at - first <= timedelta(hours=24)
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_at is not None
    assert "HTTP 500" in endpoint.disabled_reason
    assert heard == [endpoint.pk]
    # The owner hears of it (besides the case mail the task queue also sends).
    [notice] = [m for m in mail.outbox if endpoint.url in m.body]
    assert notice.to == ["owner@example.com"]
    assert endpoint.url in notice.body

    # Later events are not sent to a disabled endpoint; the case goes on.
    services.dispute_request_intervention(dispute=story.case, actor=story.buyer)
    run_tasks()
    assert len(receiver.received) == 13
    assert story.refresh().state == "complaint"


def test_a_receiver_that_recovers_gets_the_message_on_a_retry(receiver):
    receiver.status = 503
    story = f.case_in_state("negotiation")
    register(story.case.store, receiver.url)
    services.dispute_accept(dispute=story.case, actor=story.merchant)
    run_tasks()
    receiver.status = 200
    delivery = WebhookDelivery.objects.get()
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
        run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert [a.response_code for a in delivery.attempt_log.order_by("number")] == [
        503,
        200,
    ]
    assert len({m.headers["webhook-id"] for m in receiver.received}) == 1


def test_an_unreachable_receiver_is_an_error_on_the_attempt(receiver, settings):
    story = f.case_in_state("negotiation")
    register(story.case.store, "http://127.0.0.1:9/nothing-listens")
    services.dispute_accept(dispute=story.case, actor=story.merchant)
    run_tasks()
    delivery = WebhookDelivery.objects.get()
    [attempt] = delivery.attempt_log.all()
    assert attempt.response_code is None
    assert attempt.error  # e.g. "Connection refused"
    assert delivery.status == DeliveryStatus.PENDING


def test_a_delivery_runs_once_even_if_its_task_runs_twice(receiver):
    story = f.case_in_state("negotiation")
    register(story.case.store, receiver.url)
    services.dispute_accept(dispute=story.case, actor=story.merchant)
    delivery = WebhookDelivery.objects.get()
    run_tasks()
    assert webhook_services.delivery_attempt(delivery_id=delivery.pk) == "succeeded"
    assert len(receiver.received) == 1


def test_the_timestamp_header_is_the_attempt_time(receiver):
    story = f.case_in_state("negotiation")
    register(story.case.store, receiver.url)
    services.dispute_accept(dispute=story.case, actor=story.merchant)
    run_tasks()
    [message] = receiver.received
    assert (
        abs(int(message.headers["webhook-timestamp"]) - timezone.now().timestamp()) < 5
    )


def test_a_broken_webhook_queue_never_undoes_the_action(receiver, monkeypatch):
    from webhooks import receivers

    def broken(*args, **kwargs):
        raise RuntimeError("serializer bug")

    monkeypatch.setattr(receivers, "message_payload", broken)
    story = f.case_in_state("negotiation")
    register(story.case.store, receiver.url)
    services.dispute_reject(dispute=story.case, actor=story.merchant, reason="不同意")
    assert story.refresh().merchant_response == "rejected"
    assert not WebhookDelivery.objects.exists()
