"""The buyer's history on the agents' case page comes from `BuyerDay` (one
row per buyer and day, kept with every case change) and equals a recount of
the case table (issue 25)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from disputes import selectors as dispute_selectors
from disputes.models import Dispute
from reports import rollups
from reports.measures import local_day
from reports.models import BUYER_MEASURES, BuyerDay
from reports.selectors import buyer_history
from tests.factories import DisputeFactory, OrderFactory, buyer, case_in_state
from workbench.queues import party_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def heavy_buyer():
    """One buyer: a case in each of five states today, one opened 120 days
    ago (outside the window), and another buyer's case that must not count."""
    who = buyer()
    stories = {
        state: case_in_state(state, order=OrderFactory(buyer=who))
        for state in ("negotiation", "closed", "complaint", "ruled", "appeal")
    }
    DisputeFactory(
        order=OrderFactory(buyer=who), opened_at=timezone.now() - timedelta(days=120)
    )
    DisputeFactory()  # someone else
    return who, stories


def recount(case: Dispute) -> dict:
    return dispute_selectors._history(Q(buyer_id=case.buyer_id), case.pk)


def rows() -> list[tuple]:
    return sorted(
        BuyerDay.objects.exclude(cases=0).values_list(
            "buyer_id", "day", *BUYER_MEASURES
        )
    )


def test_the_rollup_equals_a_recount_with_exact_numbers(heavy_buyer):
    who, stories = heavy_buyer
    case = Dispute.objects.get(pk=stories["negotiation"].case.pk)
    history = buyer_history(dispute=case)
    assert history == recount(case)
    assert history == {
        "total": 4,  # closed, complaint, ruled, appeal (not this one, not the old)
        "open": 3,
        "intervened": 3,  # complaint, ruled, appeal
        "merchant_liable": 2,  # ruled and appealed, the buyer won both
        "by_resolution": {"Agreed": 1},
    }
    # The old case is in the table, outside the window.
    old_day = local_day(timezone.now() - timedelta(days=120))
    assert BuyerDay.objects.get(buyer_id=who.pk, day=old_day).cases == 1


def test_each_buyer_day_equals_the_cases_of_that_day(heavy_buyer):
    kept = rows()
    by_day: dict[tuple, int] = {}
    for case in Dispute.objects.all():
        key = (case.buyer_id, local_day(case.opened_at))
        by_day[key] = by_day.get(key, 0) + 1
    assert [(b, d, n) for b, d, n, *_ in kept] == sorted(
        (b, d, n) for (b, d), n in by_day.items()
    )
    assert sum(r[2] for r in kept) == Dispute.objects.count() == 7
    # A rebuild from the raw tables gives the same rows.
    rollups.rebuild()
    assert rows() == kept
    BuyerDay.objects.all().delete()
    rollups.rebuild_buyer_days()
    assert rows() == kept


def test_a_case_that_moves_moves_its_buyer_day(heavy_buyer):
    _who, stories = heavy_buyer
    case = Dispute.objects.get(pk=stories["negotiation"].case.pk)
    other = Dispute.objects.get(pk=stories["complaint"].case.pk)
    before = buyer_history(dispute=other)
    assert before["open"] == 3  # negotiation, ruled, appeal
    from disputes import services

    services.dispute_accept(dispute=case, actor=case.store.owner)
    after = buyer_history(dispute=other)
    assert after == recount(other)
    assert (after["open"], after["by_resolution"]) == (2, {"Agreed": 2})


def test_the_history_is_one_query_whatever_the_buyer_has(heavy_buyer):
    _who, stories = heavy_buyer
    case = Dispute.objects.get(pk=stories["negotiation"].case.pk)
    with CaptureQueriesContext(connection) as ctx:
        party = party_history(dispute=case)
    assert party["buyer"]["total"] == 4
    assert not [q for q in ctx.captured_queries if "disputes_dispute" in q["sql"]]
    buyer_queries = [q for q in ctx.captured_queries if "buyerday" in q["sql"]]
    assert len(buyer_queries) == 1
