"""Precedents: ranking on hand-built cases, the majority and departure rule,
the departure reason kept on the ruling, and who may read them (staff)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import ValidationFailed
from disputes import services
from disputes.models import Evidence, Ruling
from disputes.precedents import pairs_similarity, precedents_for
from disputes.rules_pure import (
    CaseFacts,
    Majority,
    departs,
    majority,
    precedent_rank,
    precedent_similarity,
)
from tests import factories as f
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

D = Decimal


# ---- the pure rules -------------------------------------------------------

# (outcomes of the similar cases, the majority or None)
MAJORITY_TABLE = [
    ([], None),
    (["buyer"] * 4, None),  # fewer than 5 cases: no clear majority
    (["buyer"] * 5, Majority("buyer", D("1.000"), 5)),
    (["buyer"] * 4 + ["merchant"], Majority("buyer", D("0.800"), 5)),
    (["buyer"] * 3 + ["merchant"] * 2, None),  # 60 % < two thirds
    (["buyer"] * 4 + ["merchant"] * 2, Majority("buyer", D("0.667"), 6)),  # 4/6
    (["merchant"] * 6 + ["buyer"] * 4, None),  # 60 %
    (["merchant"] * 7 + ["buyer"] * 3, Majority("merchant", D("0.700"), 10)),
]


@pytest.mark.parametrize(("outcomes", "expected"), MAJORITY_TABLE)
def test_majority_table(outcomes, expected):
    assert majority(outcomes) == expected


# (majority, the decision's outcome, departs: needs a written reason)
DEPARTURE_TABLE = [
    (None, "buyer", False),
    (None, "merchant", False),
    (Majority("buyer", D("0.8"), 5), "buyer", False),
    (Majority("buyer", D("0.8"), 5), "merchant", True),
    (Majority("merchant", D("0.7"), 10), "buyer", True),
    (Majority("merchant", D("0.7"), 10), "merchant", False),
]


@pytest.mark.parametrize(("found", "outcome", "expected"), DEPARTURE_TABLE)
def test_departure_table(found, outcome, expected):
    assert departs(found, outcome) is expected


def _facts(
    reason="quality",
    category=1,
    share="0.5",
    evidence=True,
    answer="rejected",
    text=0.0,
):
    return CaseFacts(reason, category, D(share), evidence, answer, text)


def test_rank_tiers_then_closeness():
    me = _facts()
    # `text` of the other case is its description's similarity to this one's.
    assert precedent_rank(me, _facts(text=1.0)) == (3, D("1.0"))
    assert precedent_rank(me, _facts()) == (3, D("0.8"))
    assert precedent_rank(me, _facts(category=2, text=1.0)) == (2, D("1.0"))
    assert precedent_rank(me, _facts(reason="damaged", text=1.0)) == (1, D("1.0"))
    assert precedent_rank(me, _facts(reason="damaged", category=2)) == (0, D("0.8"))
    # share 0.5 vs 1.0: 0.4 × (1 − 0.5); evidence differs; answer differs; text 0.5
    far = _facts(share="1.0", evidence=False, answer="offered", text=0.5)
    assert precedent_rank(me, far) == (3, D("0.30"))
    assert precedent_similarity((3, D("0.30"))) == D("0.825")
    assert precedent_similarity((0, D("0"))) == D("0.000")


def test_pairs_similarity_on_chinese():
    assert pairs_similarity("衣服有破洞", "衣服有破洞") == 1.0
    assert pairs_similarity("衣服有破洞", "") == 0.0
    # pairs 衣服 服有 有破 破洞 vs 衣服 服有 有污 污渍: 2 shared of 6
    assert pairs_similarity("衣服有破洞", "衣服有污渍") == pytest.approx(2 / 6)


# ---- ranking on hand-built cases -----------------------------------------


@pytest.fixture
def world():
    apparel = f.CategoryFactory(code="apparel", name="服饰")
    food = f.CategoryFactory(code="food", name="食品")
    return {
        "apparel": apparel,
        "food": food,
        "agent": f.agent(),
        "rule": f.PlatformRuleFactory(),
    }


def decided(
    world,
    *,
    reason="quality",
    category="apparel",
    outcome="buyer",
    amount="100.00",
    total="200.00",
    description="衣服有破洞",
    answer="rejected",
    evidence=False,
    days_ago=1,
):
    """A decided case built by hand (ruled, with its ruling)."""
    store = f.StoreFactory(category=world[category])
    order = f.OrderFactory(store=store, total=D(total))
    at = timezone.now() - timedelta(days=days_ago)
    case = f.DisputeFactory(
        order=order,
        reason=reason,
        amount=D(amount),
        description=description,
        merchant_response=answer,
        state="ruled",
        ruled_at=at,
        outcome=outcome,
        liability="merchant" if outcome == "buyer" else "none",
    )
    Ruling.objects.create(
        dispute=case,
        outcome=outcome,
        liability=case.liability,
        rule=world["rule"],
        reasoning="依规则",
        decided_by=world["agent"],
        decided_at=at,
    )
    if evidence:
        Evidence.objects.create(
            dispute=case, uploaded_by=case.buyer, party="buyer", file="x.jpg", size=1
        )
    return case


def at_hand(world, **kw):
    store = f.StoreFactory(category=world[kw.pop("category", "apparel")])
    order = f.OrderFactory(store=store, total=D("200.00"))
    return f.DisputeFactory(
        order=order,
        amount=D("100.00"),
        description="衣服有破洞",
        merchant_response="rejected",
        state="verification",
        **kw,
    )


def test_same_reason_and_category_first_then_the_rest(world):
    other_everything = decided(world, reason="damaged", category="food")
    other_reason = decided(world, reason="damaged")
    other_category = decided(world, category="food")
    # Same reason and category, but far on every other count.
    same_far = decided(
        world,
        amount="200.00",
        answer="offered",
        description="完全不同的描述",
        evidence=True,
    )
    same_near = decided(world, days_ago=30)
    case = at_hand(world)

    shown = precedents_for(case).precedents

    assert [p.number for p in shown] == [
        same_near.number,
        same_far.number,
        other_category.number,
        other_reason.number,
        other_everything.number,
    ]
    assert shown[0].similarity == D("1.000")
    assert [p.same_reason for p in shown] == [True, True, True, False, False]
    assert shown[0].rule == world["rule"].code
    assert shown[0].rule_version == 1
    assert case.number not in [p.number for p in shown]


def test_closer_share_evidence_answer_and_text_rank_higher(world):
    share = decided(world, amount="190.00")  # 0.95 of the order vs 0.5
    evidence = decided(world, evidence=True)
    text = decided(world, description="鞋子开胶了")
    near = decided(world)
    case = at_hand(world)
    shown = [p.number for p in precedents_for(case).precedents]
    assert shown[0] == near.number
    assert set(shown[1:]) == {share.number, evidence.number, text.number}
    # the share gap costs 0.4 × 0.45 = 0.18, more than evidence or text (0.2 ≥)
    assert shown[-1] in (evidence.number, text.number)


def test_majority_counts_the_same_reason_only(world):
    for _ in range(4):
        decided(world, outcome="buyer")
    decided(world, outcome="merchant")
    for _ in range(5):
        decided(world, reason="damaged", outcome="merchant")
    case = at_hand(world)
    found = precedents_for(case)
    assert len(found.precedents) == 10
    assert found.majority == Majority("buyer", D("0.800"), 5)


def test_no_precedents_no_majority(world):
    case = at_hand(world)
    assert precedents_for(case).precedents == []
    assert precedents_for(case).majority is None


# ---- a departing ruling needs a reason, kept on the ruling ------------------


def _ruled_majority(world, outcome="merchant", count=5):
    for _ in range(count):
        decided(world, outcome=outcome)


def test_a_ruling_against_the_majority_needs_a_departure_reason(world):
    story = f.case_in_state("verification")
    world["apparel"] = story.case.store.category
    _ruled_majority(world, "merchant")
    kwargs = {
        "dispute": story.case,
        "actor": story.agent,
        "outcome": "buyer",
        "liability": "merchant",
        "amount": D("100.00"),
        "rule": story.rule,
        "reasoning": "商品有破洞",
    }
    with pytest.raises(ValidationFailed) as refused:
        services.dispute_rule(**kwargs)
    assert "departure_reason" in refused.value.errors

    services.dispute_rule(**kwargs, departure_reason="买家的照片清楚显示破洞")
    ruling = Ruling.objects.get(dispute=story.case)
    assert ruling.majority_outcome == "merchant"
    assert ruling.majority_share == D("1.000")
    assert ruling.departure_reason == "买家的照片清楚显示破洞"
    assert ruling.departed


def test_a_ruling_with_the_majority_keeps_no_reason(world):
    story = f.case_in_state("verification")
    world["apparel"] = story.case.store.category
    _ruled_majority(world, "buyer")
    services.dispute_rule(
        dispute=story.case,
        actor=story.agent,
        outcome="buyer",
        liability="merchant",
        amount=D("100.00"),
        rule=story.rule,
        reasoning="商品有破洞",
        departure_reason="ignored",
    )
    ruling = Ruling.objects.get(dispute=story.case)
    assert (ruling.majority_outcome, ruling.departure_reason) == ("buyer", "")
    assert not ruling.departed


def test_an_overturn_against_the_majority_needs_a_reason(world):
    story = f.case_in_state("appeal", outcome="buyer")
    world["apparel"] = story.case.store.category
    _ruled_majority(world, "buyer")
    kwargs = {
        "dispute": story.case,
        "actor": story.supervisor,
        "outcome": "merchant",
        "liability": "none",
        "rule": story.rule,
        "reasoning": "复审：无质量问题",
    }
    with pytest.raises(ValidationFailed):
        services.dispute_overturn(**kwargs)
    services.dispute_overturn(**kwargs, departure_reason="新证据表明是人为损坏")
    appeal = story.refresh().appeal_record
    assert (appeal.majority_outcome, appeal.departure_reason) == (
        "buyer",
        "新证据表明是人为损坏",
    )


# ---- the API: staff only, exactly the design's shape ------------------------


def test_api_shape_for_staff(world):
    story = f.case_in_state("verification")
    world["apparel"] = story.case.store.category
    _ruled_majority(world, "merchant")
    for user in (story.agent, story.supervisor, f.manager()):
        response = client_for(user).get(
            f"/api/v1/disputes/{story.case.number}/precedents/"
        )
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"precedents", "majority"}
        assert body["majority"] == {"outcome": "merchant", "share": 1.0}
        assert len(body["precedents"]) == 5
        assert set(body["precedents"][0]) == {
            "number",
            "outcome",
            "liability",
            "rule",
            "rule_version",
            "similarity",
        }


def test_api_parties_are_refused(world):
    story = f.case_in_state("verification")
    url = f"/api/v1/disputes/{story.case.number}/precedents/"
    assert client_for(story.buyer).get(url).status_code == 403
    assert client_for(story.merchant).get(url).status_code == 403
    assert client_for(f.buyer()).get(url).status_code == 404


# ---- the workbench: the forms show them; the case page shows a departure ----


@pytest.mark.parametrize("action", ["rule", "overturn"])
def test_decision_forms_show_precedents_and_majority(client, world, action):
    story = f.case_in_state("mediation" if action == "rule" else "appeal")
    world["apparel"] = story.case.store.category
    _ruled_majority(world, "merchant")
    user = story.agent if action == "rule" else story.supervisor
    client.force_login(user)
    body = client.get(
        f"/admin/disputes/dispute/{story.case.pk}/act/{action}/",
        headers={"accept-language": "zh-hans"},
    ).content.decode()
    assert 'data-testid="precedents"' in body
    assert "支持商家" in body  # the majority and each row, in Chinese
    assert body.count("/admin/disputes/dispute/") >= 5
    assert 'name="departure_reason"' in body


def test_a_departing_ruling_is_refused_at_its_field_then_shown(client, world):
    story = f.case_in_state("mediation")
    world["apparel"] = story.case.store.category
    _ruled_majority(world, "merchant")
    client.force_login(story.agent)
    url = f"/admin/disputes/dispute/{story.case.pk}/act/rule/"
    data = {
        "version": story.case.version,
        "outcome": "buyer",
        "liability": "merchant",
        "amount": "100.00",
        "rule": story.rule.code,
        "reasoning": "商品有破洞",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert refused.context["form"].errors["departure_reason"]
    done = client.post(url, {**data, "departure_reason": "照片显示破洞"})
    assert done.status_code == 302
    page = client.get(f"/admin/disputes/dispute/{story.case.pk}/change/")
    assert 'data-testid="departure"' in page.content.decode()
    assert "照片显示破洞" in page.content.decode()
