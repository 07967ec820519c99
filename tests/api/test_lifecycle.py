"""Whole stories driven through the API alone."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orders.models import Order
from tests import factories as f

from .conftest import act, url

pytestmark = pytest.mark.django_db


def open_case(api, order, amount="100.00"):
    r = api(order.buyer).post(
        "/api/v1/disputes/",
        {"order": order.number, "reason": "quality", "remedy": "refund_only",
         "amount": amount, "description": "破洞"},
        format="json",
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    return r.json()


def test_open_reject_intervene_mediate_rule_appeal_overturn(api):
    order = f.OrderFactory()
    merchant = order.store.owner
    the_agent, boss = f.agent(), f.supervisor()
    rule = f.PlatformRuleFactory(code="quality-1")
    case = open_case(api, order)
    number = case["number"]
    assert case["state"] == "negotiation"
    assert case["available_actions"] == ["withdraw"]

    steps = [
        (merchant, "reject", {"reason": "没有质量问题"}, "negotiation"),
        (order.buyer, "request_intervention", {"note": "请平台介入"}, "complaint"),
        (the_agent, "take", {}, "verification"),
        (the_agent, "start_mediation", {}, "mediation"),
        (the_agent, "request_evidence", {"party": "buyer", "note": "请上传照片"},
         "mediation"),
        (the_agent, "propose", {"amount": "50.00", "note": "各退一步"}, "mediation"),
        (the_agent, "rule", {"outcome": "buyer", "liability": "merchant",
                             "rule": rule.code, "reasoning": "质量问题属实",
                             "amount": "80.00"}, "ruled"),
        (merchant, "appeal", {"reason": "有新证据"}, "appeal"),
        (boss, "overturn", {"outcome": "buyer", "liability": "merchant",
                            "rule": rule.code, "reasoning": "全额退款",
                            "amount": "100.00"}, "closed"),
    ]  # fmt: skip
    for user, action, data, state in steps:
        r = act(api(user), number, action, **data)
        assert r.status_code == 200, (action, r.json())
        assert r.json()["state"] == state, action

    body = r.json()
    assert body["resolution"] == "overturned"
    assert body["refunded_amount"] == "100.00"
    assert body["ruling"]["rule"] == "quality-1"
    assert body["ruling"]["amount"] == "80.00"
    assert body["appeal"]["decision"] == "overturned"
    assert body["appeal"]["amount"] == "100.00"
    assert body["available_actions"] == []
    order.refresh_from_db()
    assert order.refunded_amount == Decimal("100.00")

    timeline = api(order.buyer).get(url(number, "timeline")).json()
    assert [e["action"] for e in timeline] == [
        "open", "reject", "request_intervention", "take", "start_mediation",
        "request_evidence", "propose", "rule", "appeal", "overturn",
    ]  # fmt: skip
    assert timeline[5]["evidence_request"]["party"] == "buyer"


def test_offer_then_accept_offer_refunds_the_offer(api):
    order = f.OrderFactory()
    number = open_case(api, order)["number"]
    r = act(api(order.store.owner), number, "offer", amount="60.00", note="部分退款")
    assert r.json()["offer_amount"] == "60.00"
    r = act(api(order.buyer), number, "accept_offer")
    assert r.status_code == 200
    assert (r.json()["state"], r.json()["resolution"]) == ("closed", "agreed")
    assert Order.objects.get(pk=order.pk).refunded_amount == Decimal("60.00")


def test_proposal_closes_once_both_parties_accept(api):
    story = f.case_in_state("mediation")
    number = story.case.number
    act(api(story.agent), number, "propose", amount="30.00", note="调解方案")
    r = act(api(story.buyer), number, "accept_proposal")
    assert r.json()["state"] == "mediation"
    assert "accept_proposal" not in r.json()["available_actions"]
    again = act(api(story.buyer), number, "accept_proposal")
    assert again.status_code == 409
    r = act(api(story.merchant), number, "accept_proposal")
    assert (r.json()["state"], r.json()["resolution"]) == ("closed", "mediated")
    assert r.json()["refunded_amount"] == "30.00"


def test_appeal_upheld_by_another_supervisor(api):
    story = f.case_in_state("appeal")
    r = act(api(story.supervisor), story.case.number, "uphold", reasoning="维持")
    assert r.status_code == 200, r.json()
    assert r.json()["resolution"] == "upheld"


def test_withdraw_and_supervisor_assign(api):
    story = f.case_in_state("verification")
    other = f.agent()
    r = act(api(story.supervisor), story.case.number, "assign",
            assignee=other.username)  # fmt: skip
    assert r.json()["assigned_to"] == other.username
    r = act(api(story.buyer), story.case.number, "withdraw", note="已解决")
    assert r.json()["resolution"] == "withdrawn"


def test_messages_and_evidence(api):
    story = f.case_in_state("verification")
    number = story.case.number
    r = api(story.buyer).post(url(number, "messages"), {"body": "在吗"}, format="json")
    assert r.status_code == 201, r.json()
    r = api(story.agent).post(
        url(number, "messages"), {"body": "内部备注", "internal": True}, format="json"
    )
    assert r.status_code == 201
    buyer_view = api(story.buyer).get(url(number, "messages")).json()
    agent_view = api(story.agent).get(url(number, "messages")).json()
    assert [m["body"] for m in buyer_view] == ["在吗"]
    assert len(agent_view) == 2
    assert (
        api(story.buyer)
        .post(url(number, "messages"), {"body": "x", "internal": True}, format="json")
        .status_code
        == 403
    )
    timeline = api(story.merchant).get(url(number, "timeline")).json()
    assert "内部备注" not in [e["note"] for e in timeline]
