"""The queue's priority: amount band, repeat claimant, escalated by a party."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from disputes.models import Dispute
from tests import factories as f
from workbench import queues as workbench

pytestmark = pytest.mark.django_db


def _with(amount: Decimal, recent: int, escalated_by: str) -> Dispute:
    made = Dispute(amount=amount, intervention_requested_by=escalated_by)
    made.buyer_nth_recent_at = (
        timezone.now() if recent >= workbench.REPEAT_CLAIMANT_CASES else None
    )
    return made


@pytest.mark.parametrize(
    ("amount", "recent", "escalated_by", "level"),
    [
        ("50.00", 0, "", 3),
        ("50.00", 0, "system", 3),
        ("300.00", 0, "", 2),
        ("50.00", 3, "", 2),
        ("50.00", 0, "buyer", 2),
        ("1000.00", 0, "", 2),
        ("1000.00", 0, "merchant", 1),
        ("300.00", 3, "buyer", 1),
        ("999.99", 2, "buyer", 2),
    ],
)
def test_priority_levels(amount, recent, escalated_by, level):
    assert (
        workbench.priority(_with(Decimal(amount), recent, escalated_by)).level == level
    )


def test_the_list_shows_priority_and_the_agents_target(login):
    story = f.case_in_state("complaint", amount="150.00")
    Dispute.objects.filter(pk=story.case.pk).update(
        sla_due_at=timezone.now() + timedelta(hours=5),
        intervention_requested_by="buyer",
    )
    body = login(f.agent()).get("/admin/disputes/dispute/").content.decode()
    row = body.split(story.case.number, 1)[1].split("</tr>", 1)[0]
    assert 'class="wb-priority p2"' in row
    assert "data-countdown=" in row


def test_repeat_claimants_are_counted_over_90_days():
    buyer = f.buyer()
    orders = [f.OrderFactory(buyer=buyer) for _n in range(3)]
    cases = [f.case_in_state("negotiation", order=o).case for o in orders]
    Dispute.objects.filter(pk=cases[0].pk).update(
        opened_at=timezone.now() - timedelta(days=120)
    )
    facts = workbench.with_priority_facts(Dispute.objects.filter(pk=cases[1].pk))
    assert not workbench.repeat_claimant(facts.get())  # 2 in 90 days
    Dispute.objects.filter(pk=cases[0].pk).update(
        opened_at=timezone.now() - timedelta(days=80)
    )
    facts = workbench.with_priority_facts(Dispute.objects.filter(pk=cases[1].pk))
    assert workbench.repeat_claimant(facts.get())  # 3 in 90 days
