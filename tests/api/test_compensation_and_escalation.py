"""假一赔三: compensation beyond the refund under a rule that provides it, and
customer service escalating a negotiation at a party's request."""

from __future__ import annotations

from decimal import Decimal

import pytest

from disputes.models import Dispute, DisputeEvent
from disputes.services import rule_publish
from orders.models import Order, Refund
from tests import factories as f

from .conftest import act

pytestmark = pytest.mark.django_db


def _counterfeit_rule(multiple: str | None = "3", minimum: str | None = "500.00"):
    from disputes.models import PlatformRule

    return PlatformRule.objects.create(
        code="counterfeit",
        version=1,
        title="假冒商品处理规则（假一赔三）",
        text="经核实为假冒商品的，商家退还货款并按货款三倍赔付，最低 500 元。",
        compensation_multiple=Decimal(multiple) if multiple else None,
        compensation_minimum=Decimal(minimum) if minimum else None,
    )


def _ruling(api, total: str, *, compensation: bool, outcome: str = "buyer"):
    story = f.case_in_state("verification", amount=total, total=Decimal(total))
    data = {
        "outcome": outcome,
        "liability": "merchant" if outcome == "buyer" else "none",
        "rule": "counterfeit",
        "reasoning": "鉴定报告显示为假冒商品",
        "compensation": compensation,
    }
    if outcome == "buyer":
        data["amount"] = total
    return story, act(api(story.agent), story.case.number, "rule", **data)


@pytest.mark.parametrize(
    "total, compensation",
    [("120.00", "500.00"), ("299.00", "897.00")],  # the minimum; three times
)
def test_a_ruling_under_fake_one_pay_three_awards_compensation(
    api, total, compensation
):
    _counterfeit_rule()
    story, response = _ruling(api, total, compensation=True)
    assert response.status_code == 200, response.json()
    assert response.json()["ruling"]["compensation_amount"] == compensation
    lines = {r.kind: r.amount for r in Refund.objects.filter(dispute=story.case)}
    assert lines == {
        "refund": Decimal(total),
        "buyer_compensation": Decimal(compensation),
    }
    # The compensation is its own line: the order's refund cap is untouched.
    assert Order.objects.get(pk=story.case.order_id).refunded_amount == Decimal(total)


def test_both_parties_see_the_compensation_on_the_ruling(api, client):
    _counterfeit_rule()
    story, _response = _ruling(api, "120.00", compensation=True)
    for user in (story.buyer, story.merchant):
        client.force_login(user)
        body = client.get(
            story.case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
        assert "商家向买家赔付" in body and "¥500.00" in body
        assert 'href="/disputes/rules/counterfeit/v1/"' in body


def test_no_compensation_unless_the_agent_awards_it(api):
    _counterfeit_rule()
    _story, response = _ruling(api, "120.00", compensation=False)
    assert response.status_code == 200
    assert response.json()["ruling"]["compensation_amount"] == "0.00"
    assert not Refund.objects.filter(kind="buyer_compensation").exists()


@pytest.mark.parametrize("multiple, outcome", [(None, "buyer"), ("3", "merchant")])
def test_compensation_refused_without_a_rule_for_it_or_for_a_merchant_win(
    api, multiple, outcome
):
    _counterfeit_rule(multiple=multiple)
    story, response = _ruling(api, "120.00", compensation=True, outcome=outcome)
    assert response.status_code == 400
    assert "compensation" in response.json()["errors"]
    assert Dispute.objects.get(pk=story.case.pk).state == "verification"
    assert not Refund.objects.filter(dispute=story.case).exists()


def test_a_rule_version_states_its_multiple():
    _counterfeit_rule()
    version_2 = rule_publish(
        actor=None, code="counterfeit", title="假冒商品处理规则", text="新版"
    )
    assert version_2.compensation_multiple is None  # each version says its own


# -- Customer service escalates a negotiation at a party's request ------------


def test_an_agent_escalates_a_negotiation_at_the_buyers_request(api):
    story = f.case_in_state("negotiation")
    response = act(
        api(story.agent),
        story.case.number,
        "escalate",
        party="buyer",
        note="买家来电要求平台介入",
    )
    assert response.status_code == 200, response.json()
    case = Dispute.objects.get(pk=story.case.pk)
    assert case.state == "complaint" and case.intervened_at is not None
    assert case.intervention_requested_by == "buyer"
    event = DisputeEvent.objects.get(dispute=case, action="escalate")
    assert event.actor == story.agent and "买家来电" in event.note


@pytest.mark.parametrize("who", ["buyer", "merchant"])
def test_parties_cannot_use_customer_service_escalation(api, who):
    story = f.case_in_state("negotiation")
    user = story.buyer if who == "buyer" else story.merchant
    response = act(api(user), story.case.number, "escalate", party=who)
    assert response.status_code == 403


def test_escalation_is_only_for_negotiations(api):
    story = f.case_in_state("complaint")
    response = act(api(story.agent), story.case.number, "escalate", party="buyer")
    assert response.status_code == 409


# Compensation on appeal: the merchant bears exactly the final decision, the
# buyer never loses money (nothing is clawed back), the platform pays the rest.
D = Decimal


def _appealed(api, ruled: str, compensation: bool):
    """A ¥299.00 order; the agent rules ¥`ruled` for the buyer under the
    counterfeit rule (with or without its compensation); the merchant appeals."""
    _counterfeit_rule()
    story = f.case_in_state("verification", amount="299.00", total=D("299.00"))
    ruling = {
        "outcome": "buyer",
        "liability": "merchant",
        "rule": "counterfeit",
        "amount": ruled,
        "reasoning": "鉴定报告显示为假冒商品",
        "compensation": compensation,
    }
    assert act(api(story.agent), story.case.number, "rule", **ruling).status_code == 200
    appeal = {"reason": "鉴定机构不具资质"}
    assert (
        act(api(story.merchant), story.case.number, "appeal", **appeal).status_code
        == 200
    )
    return story


def _lines(case) -> dict[str, list[Decimal]]:
    lines: dict[str, list[Decimal]] = {}
    for refund in Refund.objects.filter(dispute=case).order_by("pk"):
        lines.setdefault(refund.kind, []).append(refund.amount)
    return lines


@pytest.mark.parametrize(
    "ruled, ruled_comp, outcome, amount, comp, new_lines, platform, buyer_comp",
    [
        # Overturned for the merchant: the refund and the compensation the
        # merchant paid come back to the merchant from the platform.
        ("120.00", True, "merchant", None, False,
         {"compensation": ["620.00"]}, "620.00", "0.00"),
        # More for the buyer: the merchant pays the difference of both lines.
        ("120.00", True, "buyer", "299.00", True,
         {"refund": ["179.00"], "buyer_compensation": ["397.00"]}, None, "897.00"),
        # The same refund, no compensation after all: paid back by the platform.
        ("299.00", True, "buyer", "299.00", False,
         {"compensation": ["897.00"]}, "897.00", "0.00"),
        # Less for the buyer (¥120, compensation at its ¥500 minimum).
        ("299.00", True, "buyer", "120.00", True,
         {"compensation": ["576.00"]}, "576.00", "500.00"),
        # Compensation the agent did not award, awarded on appeal.
        ("120.00", False, "buyer", "120.00", True,
         {"buyer_compensation": ["500.00"]}, None, "500.00"),
    ],
)  # fmt: skip
def test_an_overturn_settles_the_compensation_too(
    api, ruled, ruled_comp, outcome, amount, comp, new_lines, platform, buyer_comp
):
    story = _appealed(api, ruled, ruled_comp)
    before = _lines(story.case)
    decision = {
        "outcome": outcome,
        "liability": "merchant" if outcome == "buyer" else "buyer",
        "rule": "counterfeit",
        "reasoning": "复核改判",
        "compensation": comp,
    }
    if amount:
        decision["amount"] = amount
    response = act(api(story.supervisor), story.case.number, "overturn", **decision)
    assert response.status_code == 200, response.json()
    after = _lines(story.case)
    added = {
        kind: [str(a) for a in amounts[len(before.get(kind, [])) :]]
        for kind, amounts in after.items()
        if len(amounts) > len(before.get(kind, []))
    }
    assert added == new_lines
    appeal = response.json()["appeal"]
    assert appeal["compensation_amount"] == platform
    assert appeal["buyer_compensation_amount"] == buyer_comp
    # The merchant bears exactly the final decision; the buyer lost nothing.
    paid = sum(sum(after.get(k, []), D(0)) for k in ("refund", "buyer_compensation"))
    back = sum(after.get("compensation", []), D(0))
    assert paid - back == D(amount or 0) + D(buyer_comp)
    assert paid >= sum(sum(v) for k, v in before.items() if k != "compensation")


@pytest.mark.parametrize(
    "decision, field",
    [
        # The ruling itself, compensation included: uphold it instead.
        ({"outcome": "buyer", "liability": "merchant", "amount": "120.00"}, "outcome"),
        # Compensation goes with a buyer outcome only.
        ({"outcome": "merchant", "liability": "buyer"}, "compensation"),
    ],
)
def test_an_overturn_refused_changes_nothing(api, decision, field):
    story = _appealed(api, "120.00", True)
    before = _lines(story.case)
    decision = {
        **decision,
        "rule": "counterfeit",
        "reasoning": "复核",
        "compensation": True,
    }
    response = act(api(story.supervisor), story.case.number, "overturn", **decision)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Dispute.objects.get(pk=story.case.pk).state == "appeal"
    assert _lines(story.case) == before
