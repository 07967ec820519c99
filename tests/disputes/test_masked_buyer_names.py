"""Merchants read the buyer as 张** (as Taobao shows buyers to sellers) on every
channel they receive: pages, the API, mail, webhooks and their CSV; the buyer
and platform staff read the name. One rule decides (`disclosure.buyer_name`)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client

from accounts.privacy import masked_name
from disputes import disclosure, services
from disputes.models import DisputeEvent
from notifications.mail import notification_mail
from notifications.models import Notification
from tests import factories as f
from tests.api.conftest import client_for
from tests.portal.conftest import png
from webhooks.receivers import message_payload

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
FULL = "张小梅"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("张小梅", "张**"),
        ("王五", "王**"),
        ("欧阳娜娜", "欧阳**"),
        ("司马", "司**"),  # a two-character name is a surname and a given name
        ("Alice Wang", "A**"),
        ("buyer1", "b**"),
        ("  李四 ", "李**"),
        ("", "**"),
    ],
)
def test_the_mask_keeps_the_surname_only(name, shown):
    assert masked_name(name) == shown


@pytest.fixture
def story():
    """A case whose buyer wrote, uploaded and was asked for evidence."""
    buyer = f.buyer(display_name=FULL)
    order = f.OrderFactory(buyer=buyer, total=Decimal("100.00"))
    story = f.case_in_state("negotiation", order=order)
    services.message_post(dispute=story.case, actor=buyer, body="请尽快处理")
    services.evidence_upload(dispute=story.case, actor=buyer, file=png())
    story.refresh()
    return story


def test_one_rule_for_every_reader(story):
    buyer = story.buyer
    assert disclosure.buyer_name(buyer, reader=story.merchant) == "张**"
    assert disclosure.buyer_name(buyer, reader=buyer) == FULL
    assert disclosure.buyer_name(buyer, reader=story.agent) == FULL
    assert disclosure.buyer_name(buyer, reader=f.manager()) == FULL
    assert disclosure.buyer_name(buyer, reader=story.merchant, login=True) == "张**"
    assert disclosure.buyer_name(buyer, reader=buyer, login=True) == buyer.username


# -- Pages ---------------------------------------------------------------------


def page(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url, **ZH)
    assert response.status_code == 200
    return response.content.decode()


def test_the_merchants_queue_and_case_page_mask_the_buyer(story):
    queue = page(story.merchant, "/disputes/?tab=all")
    assert "张**" in queue and FULL not in queue
    case = page(story.merchant, story.case.get_absolute_url())
    assert '<dd data-testid="buyer-name">张**</dd>' in case
    assert FULL not in case  # the summary and the timeline ("张** · 买家")
    assert story.buyer.username not in case


def test_the_buyer_and_the_workbench_read_the_name(story):
    own = page(story.buyer, story.case.get_absolute_url())
    assert f'<dd data-testid="buyer-name">{FULL}</dd>' in own
    workbench = page(story.agent, f"/admin/disputes/dispute/{story.case.pk}/change/")
    assert FULL in workbench


def test_a_case_opened_by_customer_service_masks_the_buyer_it_was_opened_for():
    buyer = f.buyer(display_name=FULL)
    order = f.OrderFactory(buyer=buyer)
    agent = f.agent()
    case = services.dispute_open_for_buyer(
        actor=agent, order=order, channel="phone", reason="quality",
        remedy="refund_only", amount=Decimal("50.00"), description="电话反映破损",
    )  # fmt: skip
    body = page(case.store.owner, case.get_absolute_url())
    assert "张**" in body and FULL not in body


# -- The API, as the merchant --------------------------------------------------


def test_the_api_masks_the_buyer_for_the_merchant(story):
    number = story.case.number
    merchant = client_for(story.merchant)
    listed = merchant.get("/api/v1/disputes/").json()["results"]
    assert [c["buyer"] for c in listed] == ["张**"]
    assert merchant.get(f"/api/v1/disputes/{number}/").json()["buyer"] == "张**"
    messages = merchant.get(f"/api/v1/disputes/{number}/messages/").json()
    assert [m["author"] for m in messages] == ["张**"]
    evidence = merchant.get(f"/api/v1/disputes/{number}/evidence/").json()
    assert [e["uploaded_by"] for e in evidence] == ["张**"]
    timeline = merchant.get(f"/api/v1/disputes/{number}/timeline/").json()
    by_buyer = {e["actor"] for e in timeline if e["actor_role"] == "buyer"}
    assert by_buyer == {"张**"}
    order = merchant.get(f"/api/v1/orders/{story.case.order.number}/").json()
    assert order["buyer"] == "张**"
    orders = merchant.get("/api/v1/orders/").json()["results"]
    assert {o["buyer"] for o in orders} == {"张**"}
    answers = str(listed) + str(messages) + str(evidence) + str(timeline) + str(orders)
    assert FULL not in answers and story.buyer.username not in answers


def test_the_api_names_the_buyer_by_login_for_the_buyer_and_staff(story):
    number = story.case.number
    for reader in (story.buyer, story.agent):
        case = client_for(reader).get(f"/api/v1/disputes/{number}/").json()
        assert case["buyer"] == story.buyer.username
        messages = client_for(reader).get(f"/api/v1/disputes/{number}/messages/")
        assert messages.json()[0]["author"] == story.buyer.username


# -- Mail and webhooks ---------------------------------------------------------


def notify(story, recipient) -> Notification:
    event = DisputeEvent.objects.filter(dispute=story.case).latest("id")
    return Notification.objects.create(
        recipient=recipient, case=story.case, event=event, kind=event.action
    )


def test_mail_to_the_merchant_masks_the_buyer(story):
    message = notification_mail(notify(story, story.merchant))
    html, _kind = message.alternatives[0]
    assert "买家：张**" in message.body or "买家: 张**" in message.body
    assert "张**" in html
    assert FULL not in message.body + html
    mail.outbox.clear()


def test_mail_to_the_buyer_names_them(story):
    message = notification_mail(notify(story, story.buyer))
    assert FULL in message.body


def test_the_webhook_payload_masks_the_buyer(story):
    event = DisputeEvent.objects.filter(dispute=story.case, action="message").get()
    payload = message_payload(story.case, event, "dispute.message_posted")
    assert payload["data"]["case"]["buyer"] == "张**"
    assert FULL not in str(payload) and story.buyer.username not in str(payload)


# -- The merchant's CSV --------------------------------------------------------


def test_the_merchants_csv_names_no_buyer(story):
    client = Client()
    client.force_login(story.merchant)
    response = client.get("/reports/store/?format=csv", **ZH)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert FULL not in text and story.buyer.username not in text
