"""Each action form drives its service; a refused one changes nothing and says why."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from disputes import services
from disputes.models import DisputeEvent
from tests import factories as f


def _prepare(story, setup: str) -> None:
    case = story.case
    if setup == "offered":
        services.dispute_offer(
            dispute=case, actor=story.merchant, amount=Decimal("60.00"), note="部分退款"
        )
    elif setup == "rejected":
        services.dispute_reject(dispute=case, actor=story.merchant, reason="无问题")
    elif setup == "proposed":
        services.dispute_propose(
            dispute=case, actor=story.agent, amount=Decimal("70.00"), note="各退一步"
        )
    story.refresh()


# (start state, setup, who, action, fields, state after, a field to check)
ACTIONS = [
    ("negotiation", "", "merchant", "accept", {}, "closed", ("resolution", "agreed")),
    (
        "negotiation",
        "",
        "merchant",
        "offer",
        {"amount": "60.00", "note": "部分退款"},
        "negotiation",
        ("offer_amount", Decimal("60.00")),
    ),
    (
        "negotiation",
        "offered",
        "buyer",
        "accept_offer",
        {},
        "closed",
        ("refunded_amount", Decimal("60.00")),
    ),
    (
        "negotiation",
        "",
        "merchant",
        "reject",
        {"reason": "商品无质量问题"},
        "negotiation",
        ("merchant_response", "rejected"),
    ),
    (
        "negotiation",
        "rejected",
        "buyer",
        "request_intervention",
        {"note": "请平台介入"},
        "complaint",
        ("intervention_requested_by", "buyer"),
    ),
    (
        "negotiation",
        "rejected",
        "merchant",
        "request_intervention",
        {},
        "complaint",
        ("intervention_requested_by", "merchant"),
    ),
    ("complaint", "", "buyer", "withdraw", {}, "closed", ("resolution", "withdrawn")),
    (
        "mediation",
        "proposed",
        "buyer",
        "accept_proposal",
        {},
        "mediation",
        ("proposal_merchant_accepted_at", None),
    ),
    (
        "ruled",
        "",
        "merchant",
        "appeal",
        {"reason": "有新的物流证据"},
        "appeal",
        ("state", "appeal"),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "setup", "who", "action", "fields", "after", "check"), ACTIONS
)
def test_action_form_runs_the_service(
    client, start, setup, who, action, fields, after, check
):
    story = f.case_in_state(start)
    _prepare(story, setup)
    case = story.case
    actor = story.buyer if who == "buyer" else story.merchant
    client.force_login(actor)
    page = client.get(case.get_absolute_url())
    assert f'data-action="{action}"' in page.content.decode()
    url = f"/disputes/{case.number}/actions/{action}/"
    response = client.post(url, {**fields, "version": case.version}, follow=True)
    assert response.redirect_chain == [(case.get_absolute_url(), 302)]
    case = story.refresh()
    assert case.state == after
    name, value = check
    assert getattr(case, name) == value
    assert DisputeEvent.objects.filter(dispute=case, action=action).exists()
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1 and shown[0]


def _snapshot(case):
    case.refresh_from_db()
    return (
        case.state,
        case.version,
        case.merchant_response,
        case.offer_amount,
        DisputeEvent.objects.filter(dispute=case).count(),
    )


# (who, action, fields, status, words shown, where: at the field or atop the page)
REFUSALS = [
    ("merchant", "reject", {"reason": " "}, 400, "reason is required", "field"),
    ("buyer", "request_intervention", {}, 409, "Intervention can be requested",
     "page"),
    ("merchant", "offer", {"amount": "150.00"}, 400, "less than the claimed",
     "field"),
    ("merchant", "offer", {"amount": "abc"}, 400, "Enter a number", "field"),
    ("buyer", "accept", {}, 403, "may not", "page"),
    ("buyer", "accept_offer", {}, 409, "no offer", "page"),
    ("merchant", "appeal", {"reason": "x"}, 409, "not available", "page"),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "action", "fields", "status", "words", "where"), REFUSALS
)
def test_refused_action_changes_nothing_and_says_why_once(
    client, who, action, fields, status, words, where
):
    story = f.case_in_state("negotiation")
    case = story.case
    before = _snapshot(case)
    client.force_login(story.buyer if who == "buyer" else story.merchant)
    url = f"/disputes/{case.number}/actions/{action}/"
    response = client.post(url, fields, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    assert _snapshot(case) == before
    body = response.content.decode()
    shown = re.sub(r'data-[\w-]+-message="[^"]*"', "", body)  # what a page reads
    assert shown.lower().count(words.lower()) == 1
    assert ('class="messages"' in body) is (where == "page")
    assert ('class="error small"' in body) is (where == "field")


@pytest.mark.django_db
def test_refused_form_keeps_what_was_typed(client):
    story = f.case_in_state("negotiation")
    client.force_login(story.merchant)
    url = f"/disputes/{story.case.number}/actions/offer/"
    response = client.post(url, {"amount": "150.00", "note": "只能退一部分"})
    body = response.content.decode()
    assert "只能退一部分" in body
    assert 'value="150.00"' in body


@pytest.mark.django_db
def test_double_submit_has_effect_once(client):
    story = f.case_in_state("negotiation")
    case = story.case
    client.force_login(story.merchant)
    url = f"/disputes/{case.number}/actions/reject/"
    data = {"reason": "无问题", "version": case.version}
    assert client.post(url, data).status_code == 302
    second = client.post(url, data)
    assert second.status_code == 409
    assert DisputeEvent.objects.filter(dispute=case, action="reject").count() == 1


@pytest.mark.django_db
def test_only_available_actions_are_offered(client):
    story = f.case_in_state("negotiation")
    client.force_login(story.buyer)
    body = client.get(story.case.get_absolute_url()).content.decode()
    assert 'data-action="withdraw"' in body
    for absent in ("accept", "offer", "reject", "request_intervention", "appeal"):
        assert f'data-action="{absent}"' not in body


@pytest.mark.django_db
def test_message_form_posts_to_the_timeline(client):
    story = f.case_in_state("negotiation")
    client.force_login(story.merchant)
    url = f"/disputes/{story.case.number}/messages/"
    response = client.post(url, {"body": "请提供照片"}, follow=True)
    assert response.status_code == 200
    assert "请提供照片" in response.content.decode()
    assert DisputeEvent.objects.filter(dispute=story.case, action="message").exists()


@pytest.mark.django_db
def test_empty_message_changes_nothing(client):
    story = f.case_in_state("negotiation")
    client.force_login(story.buyer)
    before = DisputeEvent.objects.count()
    url = f"/disputes/{story.case.number}/messages/"
    response = client.post(url, {"body": ""})
    assert response.status_code == 400
    assert DisputeEvent.objects.count() == before


@pytest.mark.django_db
def test_parties_never_see_internal_notes(client):
    story = f.case_in_state("verification")
    services.message_post(
        dispute=story.case, actor=story.agent, body="内部备注：买家可疑", internal=True
    )
    for user in (story.buyer, story.merchant):
        client.force_login(user)
        body = client.get(story.case.get_absolute_url()).content.decode()
        assert "内部备注" not in body
    client.force_login(story.agent)
    assert "内部备注" in client.get(story.case.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_ruling_shows_rule_and_reasoning(client):
    story = f.case_in_state("ruled")
    client.force_login(story.buyer)
    body = client.get(story.case.get_absolute_url()).content.decode()
    assert story.rule.code in body
    assert f"v{story.rule.version}" in body
    assert story.rule.title in body
    assert "证据显示商品存在质量问题" in body
