"""A restricted store's new cases go straight to the platform's priority
queue: marked at opening, on the timeline, badged and filterable in the
workbench queue, and handed out first by "take next"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from disputes import services
from disputes.models import Dispute, DisputeEvent
from stores.governance import is_restricted
from tests import factories as f

pytestmark = pytest.mark.django_db

LIST = "/admin/disputes/dispute/"

# (the store's tier, whether its new case is in the priority queue)
TIERS = [
    ("good", False),
    ("watch", False),
    ("warning", False),
    ("restricted", True),
    ("suspended", True),
    ("delisted", True),
]


@pytest.mark.parametrize(("tier", "priority"), TIERS)
def test_the_one_predicate(tier, priority):
    assert is_restricted(tier) is priority


@pytest.mark.parametrize(("tier", "priority"), TIERS)
def test_a_case_opened_on_the_store_is_marked_by_its_tier(tier, priority):
    order = f.OrderFactory(store__tier=tier)
    case = f.case_in_state("negotiation", order=order).case
    entries = DisputeEvent.objects.filter(dispute=case, action="priority_queue")
    assert (case.priority_queue, case.priority_tier) == (
        priority,
        tier if priority else "",
    )
    assert entries.count() == (1 if priority else 0)
    if priority:
        entry = entries.get()
        assert entry.internal is True and entry.actor is None
        assert "Restricted" in entry.note or tier != "restricted"


def test_a_later_tier_change_does_not_move_an_open_case():
    order = f.OrderFactory(store__tier="good")
    case = f.case_in_state("negotiation", order=order).case
    order.store.tier = "restricted"
    order.store.save()
    assert Dispute.objects.get(pk=case.pk).priority_queue is False


def complaint(tier: str, due_in_hours: float) -> Dispute:
    case = f.case_in_state("complaint", order=f.OrderFactory(store__tier=tier)).case
    Dispute.objects.filter(pk=case.pk).update(
        deadline_at=timezone.now() + timedelta(hours=due_in_hours)
    )
    return case


def test_take_next_hands_the_priority_queue_first():
    ordinary = complaint("good", due_in_hours=1)
    restricted = complaint("restricted", due_in_hours=30)
    agent = f.agent()
    assert services.dispute_take_next(actor=agent).pk == restricted.pk
    assert services.dispute_take_next(actor=f.agent()).pk == ordinary.pk


def test_the_queue_badges_and_filters_the_priority_queue():
    ordinary = complaint("good", due_in_hours=1)
    restricted = complaint("restricted", due_in_hours=30)
    client = Client()
    client.force_login(f.agent())
    page = client.get(LIST).content.decode()
    assert page.count('data-testid="priority-queue"') == 1
    assert "a restricted store&#x27;s new cases go straight" in page
    filtered = client.get(LIST + "?queue=priority").content.decode()
    assert restricted.number in filtered
    assert ordinary.number not in filtered
    assert "Priority queue" in filtered
