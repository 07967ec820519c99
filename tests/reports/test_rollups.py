"""The rollups stay equal to what the raw tables say, after every action."""

from __future__ import annotations

from collections import Counter

import pytest

from reports import rollups
from reports.models import CaseContribution, Rollup
from reports.measures import MEASURES
from tests.factories import OrderFactory, case_in_state

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Every non-empty rollup cell with its non-zero figures."""
    out = {}
    for row in Rollup.objects.all().values():
        key = tuple(row[k] for k in rollups.KEY_COLUMNS)
        figures = {m: row[m] for m in MEASURES if row[m]}
        if figures:
            out[key] = figures
    return out


def assert_rollups_exact() -> None:
    live = snapshot()
    live_contrib = {
        c.pk: (c.day, c.agent_id, c.measures) for c in CaseContribution.objects.all()
    }
    rollups.rebuild()
    assert snapshot() == live
    rebuilt = {
        c.pk: (c.day, c.agent_id, c.measures) for c in CaseContribution.objects.all()
    }
    assert rebuilt == live_contrib


@pytest.mark.parametrize(
    "state",
    [
        "negotiation",
        "complaint",
        "verification",
        "mediation",
        "ruled",
        "appeal",
        "closed",
    ],
)
def test_every_state_matches_a_rebuild(state):
    case_in_state(state)
    OrderFactory()
    assert_rollups_exact()
    counts = Counter()
    for row in Rollup.objects.filter(cuboid=2):
        counts["cases"] += row.cases
        counts["orders"] += row.orders
    assert counts == {"cases": 1, "orders": 2}
