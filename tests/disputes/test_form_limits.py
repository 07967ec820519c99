"""The limits a page checks before it sends an action are the services' own:
the largest amount the form allows is accepted by the service, a cent more is
refused, for every action with an amount; the other checks are carried too."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from core.errors import ValidationFailed
from disputes import services
from disputes.forms import ACTION_FORMS as PORTAL_FORMS
from disputes.forms import DisputeOpenForm, field_limits
from orders.services import refund_create
from tests import factories as f
from workbench.admin.forms import ACTION_FORMS as ADMIN_FORMS

pytestmark = pytest.mark.django_db
CENT = Decimal("0.01")


def ceiling(action: str, case) -> Decimal:
    return Decimal(field_limits(action, case)["amount"]["data-max"])


def offer(case, amount: Decimal):
    return services.dispute_offer(
        dispute=case, actor=case.store.owner, amount=amount, note=""
    )


def propose(story, amount: Decimal):
    return services.dispute_propose(
        dispute=story.case, actor=story.agent, amount=amount, note="各退一步"
    )


def rule(story, amount: Decimal):
    return services.dispute_rule(
        dispute=story.case, actor=story.agent, outcome="buyer",
        liability="merchant", amount=amount, rule=story.rule, reasoning="证据充分",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("claim", "refunded_before", "expected"),
    [
        ("100.00", "0.00", "99.99"),  # below the claim
        ("100.00", "150.00", "50.00"),  # what the order can still refund
    ],
)
def test_an_offers_ceiling_is_where_the_service_stops(claim, refunded_before, expected):
    story = f.case_in_state("negotiation", amount=claim, total=Decimal("200.00"))
    if Decimal(refunded_before):
        refund_create(
            order=story.case.order,
            amount=Decimal(refunded_before),
            idempotency_key=f"before-{story.case.pk}",
        )
    story.refresh()
    top = ceiling("offer", story.case)
    assert top == Decimal(expected)
    with pytest.raises(ValidationFailed):
        offer(story.case, top + CENT)
    assert offer(story.case, top).offer_amount == top


def test_a_proposals_ceiling_is_where_the_service_stops():
    story = f.case_in_state("mediation", amount="80.00", total=Decimal("120.00"))
    top = ceiling("propose", story.case)
    assert top == Decimal("120.00")
    with pytest.raises(ValidationFailed):
        propose(story, top + CENT)
    assert propose(story, top).proposal_amount == top


def test_a_rulings_ceiling_is_where_the_service_stops():
    story = f.case_in_state("mediation", amount="80.00", total=Decimal("120.00"))
    top = ceiling("rule", story.case)
    assert top == Decimal("120.00")
    with pytest.raises(ValidationFailed):
        rule(story, top + CENT)
    assert rule(story, top).refunded_amount == top


def test_an_overturn_may_award_what_the_ruling_refunded_plus_what_is_left():
    story = f.case_in_state("appeal", amount="80.00", total=Decimal("120.00"))
    assert story.case.refunded_amount == Decimal("80.00")  # the ruling paid it
    top = ceiling("overturn", story.case)
    assert top == Decimal("120.00")
    judge = f.supervisor()

    def overturn(amount: Decimal):
        return services.dispute_overturn(
            dispute=story.refresh(), actor=judge, outcome="buyer",
            liability="merchant", amount=amount, rule=story.rule, reasoning="改判",
        )  # fmt: skip

    with pytest.raises(ValidationFailed):
        overturn(top + CENT)
    assert overturn(top).refunded_amount == top


def test_the_forms_carry_the_limits_and_their_words():
    story = f.case_in_state("negotiation", amount="100.00", total=Decimal("200.00"))
    with translation.override("zh-hans"):
        html = str(PORTAL_FORMS["offer"](case=story.case)["amount"])
        reject = PORTAL_FORMS["reject"](case=story.case).form_attrs
    assert 'max="99.99"' in html and 'data-max="99.99"' in html
    assert 'data-max-message="协商金额必须低于申请金额 ¥100.00。"' in html
    assert 'data-one-of="preset reason"' in reject
    assert 'data-one-of-message="请选择或填写拒绝理由。"' in reject


def test_a_buyer_win_needs_an_amount_and_a_request_is_due_later():
    story = f.case_in_state("mediation")
    ruling = str(ADMIN_FORMS["rule"](case=story.case)["amount"])
    assert 'data-required-if="outcome=buyer"' in ruling
    request = str(ADMIN_FORMS["request_evidence"](case=story.case)["due_at"])
    assert 'data-after="' in request and 'min="' in request


def test_the_claim_is_capped_at_what_the_order_can_refund():
    order = f.OrderFactory(total=Decimal("88.00"))
    html = str(DisputeOpenForm(order=order)["amount"])
    assert 'data-max="88.00"' in html
