"""The edges parse input once into domain types; bad input changes nothing.

Services take `Decimal`, `User`, `PlatformRule`, `datetime`; the API
serializers and the page forms (both built from disputes/actions.py) turn
strings into those types and refuse anything else with a field error.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import ValidationFailed
from disputes import services
from disputes.models import Dispute, DisputeEvent, Ruling
from orders.models import Refund
from tests import factories as f
from tests.api.conftest import act, client_for

pytestmark = pytest.mark.django_db

BAD_AMOUNTS = ["0", "-5", "abc", "1.234", "NaN", "Infinity", 50, None, True]


def snapshot(case: Dispute) -> tuple:
    case = Dispute.objects.get(pk=case.pk)
    return (
        case.state,
        case.version,
        case.assigned_to_id,
        case.refunded_amount,
        DisputeEvent.objects.filter(dispute=case).count(),
        Refund.objects.filter(dispute=case).count(),
    )


def field_errors(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["errors"]


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_api_refuses_a_malformed_offer_amount(amount):
    story = f.case_in_state("negotiation")
    before = snapshot(story.case)
    r = act(client_for(story.merchant), story.case.number, "offer", amount=amount)
    assert "amount" in field_errors(r)
    assert snapshot(story.case) == before


@pytest.mark.parametrize("amount", ["0", "abc", "1.234", 10])
def test_api_refuses_a_malformed_claim(amount):
    order = f.OrderFactory()
    r = client_for(order.buyer).post(
        "/api/v1/disputes/",
        {"order": order.number, "reason": "quality", "remedy": "refund_only",
         "amount": amount},
        format="json",
    )  # fmt: skip
    assert "amount" in field_errors(r)
    assert not Dispute.objects.exists()


RULING = {"outcome": "buyer", "liability": "merchant", "amount": "50.00",
          "reasoning": "证据充分"}  # fmt: skip


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"rule": "no-such-rule"}, "rule"),
        ({"outcome": "draw"}, "outcome"),
        ({"liability": "platform"}, "liability"),
        ({"amount": "-1"}, "amount"),
        ({"reasoning": ""}, "reasoning"),
        ({"reasoning": 5}, "reasoning"),
    ],
)
def test_api_refuses_a_malformed_ruling(bad, field):
    story = f.case_in_state("mediation")
    before = snapshot(story.case)
    data = {**RULING, "rule": story.rule.code, **bad}
    r = act(client_for(story.agent), story.case.number, "rule", **data)
    assert field in field_errors(r)
    assert snapshot(story.case) == before
    assert not Ruling.objects.exists()


def test_a_buyer_win_without_an_amount_is_refused_by_the_service():
    story = f.case_in_state("mediation")
    data = {**RULING, "rule": story.rule.code}
    del data["amount"]
    r = act(client_for(story.agent), story.case.number, "rule", **data)
    assert "amount" in field_errors(r)
    assert not Ruling.objects.exists()


def test_a_rule_code_means_the_version_in_force():
    story = f.case_in_state("mediation")
    newer = services.rule_publish(
        actor=story.supervisor, code=story.rule.code, title="v2", text="新版"
    )
    r = act(client_for(story.agent), story.case.number, "rule",
            **{**RULING, "rule": story.rule.code})  # fmt: skip
    assert r.status_code == 200, r.content
    assert Ruling.objects.get().rule == newer


@pytest.mark.parametrize("assignee", ["nobody", "999999", 7])
def test_api_refuses_an_unknown_assignee(assignee):
    story = f.case_in_state("verification")
    before = snapshot(story.case)
    r = act(client_for(story.supervisor), story.case.number, "assign",
            assignee=assignee)  # fmt: skip
    assert "assignee" in field_errors(r)
    assert snapshot(story.case) == before


def test_api_assignee_by_username_or_id():
    story = f.case_in_state("complaint")
    other = f.agent()
    r = act(client_for(story.supervisor), story.case.number, "take",
            assignee=str(other.pk))  # fmt: skip
    assert r.status_code == 200, r.content
    assert Dispute.objects.get(pk=story.case.pk).assigned_to == other


def test_an_assignee_must_be_platform_staff():
    story = f.case_in_state("verification")
    before = snapshot(story.case)
    r = act(client_for(story.supervisor), story.case.number, "assign",
            assignee=story.buyer.username)  # fmt: skip
    assert "assignee" in field_errors(r)
    assert snapshot(story.case) == before


@pytest.mark.parametrize("due_at", ["tomorrow", "2020-01-01T00:00:00Z"])
def test_api_refuses_a_bad_or_past_due_time(due_at):
    story = f.case_in_state("verification")
    before = snapshot(story.case)
    r = act(client_for(story.agent), story.case.number, "request_evidence",
            party="buyer", note="照片", due_at=due_at)  # fmt: skip
    assert "due_at" in field_errors(r)
    assert snapshot(story.case) == before


def test_api_takes_a_due_time_in_the_future():
    story = f.case_in_state("verification")
    due = (timezone.now() + timezone.timedelta(days=2)).replace(microsecond=0)
    r = act(client_for(story.agent), story.case.number, "request_evidence",
            party="buyer", note="照片", due_at=due.isoformat())  # fmt: skip
    assert r.status_code == 200, r.content
    assert story.case.evidence_requests.get().due_at == due


def test_portal_form_refuses_a_malformed_amount(client):
    story = f.case_in_state("negotiation")
    before = snapshot(story.case)
    client.force_login(story.merchant)
    r = client.post(
        f"/disputes/{story.case.number}/actions/offer/",
        {"amount": "abc", "version": story.case.version},
    )
    assert r.status_code == 400
    (offer,) = [a for a in r.context["actions"] if a["name"] == "offer"]
    assert "amount" in offer["form"].errors
    assert snapshot(story.case) == before


def test_admin_form_refuses_an_unknown_rule(client):
    story = f.case_in_state("mediation")
    before = snapshot(story.case)
    client.force_login(story.agent)
    r = client.post(
        f"/admin/disputes/dispute/{story.case.pk}/act/rule/",
        {**RULING, "rule": "no-such-rule", "version": story.case.version},
    )
    assert r.status_code == 200
    assert "rule" in r.context["form"].errors
    assert snapshot(story.case) == before


def test_an_offer_of_the_whole_claim_is_refused_by_the_service():
    story = f.case_in_state("negotiation")
    before = snapshot(story.case)
    with pytest.raises(ValidationFailed):
        services.dispute_offer(
            dispute=story.case, actor=story.merchant, amount=Decimal("100.00")
        )
    assert snapshot(story.case) == before
