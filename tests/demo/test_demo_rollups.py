"""A fresh demo's report rollups are what a rebuild from the tables gives.

Whatever the seeding method, every order and every case counts: the
reports of a fresh demo read the same before and after
`rebuild_report_rollups`.
"""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from demo import seeding as demo
from disputes.models import Dispute
from orders.models import Order
from reports.measures import MEASURES
from reports.models import CaseContribution, Rollup
from reports.rollups import CELL_COLUMNS

pytestmark = pytest.mark.django_db

PLATFORM_BY_MONTH = 1  # the cuboid without dimensions, by month


def cells() -> dict:
    """Every non-empty rollup cell with its non-zero figures (shards added up)."""
    added: dict = {}
    for row in Rollup.objects.values():
        cell = added.setdefault(tuple(row[c] for c in CELL_COLUMNS), Counter())
        cell.update({m: row[m] for m in MEASURES})
    return {key: +cell for key, cell in added.items() if +cell}


def contributions() -> dict:
    rows = CaseContribution.objects.all()
    return {c.pk: (c.day, c.agent_id, c.measures) for c in rows}


def total(measure: str) -> int:
    rows = Rollup.objects.filter(cuboid=PLATFORM_BY_MONTH)
    return rows.aggregate(n=Sum(measure))["n"] or 0


@pytest.mark.parametrize("method", ["services", "bulk"])
def test_a_fresh_demo_has_the_rollups_a_rebuild_gives(method):
    result = demo.seed_demo(cases=40, batch_size=15, method=method)
    # 40 cases on 3 orders each, 2 buyers × 2 stores × 6 fresh orders, and
    # buyer1's 7 orders at the fresh-food and cross-border stores (policy), and
    # the goods showcase's 9 cases on an order each (demo/goods.py).
    assert (result.method, result.cases, result.orders) == (method, 40, 160)
    assert Order.objects.count() == total("orders") == 160
    assert Dispute.objects.count() == total("cases") == 49
    live, live_contributions = cells(), contributions()
    assert len(live_contributions) == 49

    call_command("rebuild_report_rollups", "--no-progress", stdout=StringIO())

    assert cells() == live
    assert contributions() == live_contributions
