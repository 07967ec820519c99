"""The store health figure "refused returns overturned": a case whose
merchant refused the returned goods and the platform then decided for the
buyer. A rollup measure (`refuse_return_overturned`), kept with every case
change and rebuilt the same by `manage.py rebuild_report_rollups`."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone

from disputes import services
from disputes.models import Dispute, Evidence
from reports.health import health_recompute
from reports.measures import local_day, refused_return_overturned
from reports.models import StoreHealth
from reports.selectors import Query, totals
from tests import factories as f

NOW = timezone.now()

# (refused the return, ruled, final outcome, state, counts)
ROWS = [
    (False, True, "buyer", "ruled", False),  # never refused
    (True, False, "", "complaint", False),  # refused, the platform not yet decided
    (True, False, "", "verification", False),
    (True, True, "buyer", "ruled", True),  # ruled for the buyer after the refusal
    (True, True, "buyer", "closed", True),
    (True, True, "merchant", "ruled", False),  # ruled for the merchant
    (True, True, "buyer", "appeal", False),  # refused after a ruling: appeal pending
    (True, True, "merchant", "closed", False),  # that appeal overturned it
]


@pytest.mark.parametrize(("refused", "ruled", "outcome", "state", "counts"), ROWS)
def test_which_cases_count(refused, ruled, outcome, state, counts):
    case = SimpleNamespace(
        return_refused_at=NOW if refused else None,
        ruled_at=NOW if ruled else None,
        outcome=outcome,
        state=state,
    )
    assert refused_return_overturned(case) is counts


SF = {"carrier": "SF", "tracking_number": "SF1234567890123"}


def refused_case(store, rule, agent, *, outcome: str | None) -> Dispute:
    """A return agreed, shipped, refused with evidence; the platform takes it
    and rules `outcome` (None: not yet ruled)."""
    order = f.OrderFactory(store=store)
    case = services.dispute_open(
        actor=order.buyer, order=order, reason="quality", remedy="return_refund",
        amount=Decimal("100.00"), description="开线",
    )  # fmt: skip
    merchant = store.owner
    case = services.dispute_accept(dispute=case, actor=merchant)
    case = services.dispute_ship_return(dispute=case, actor=case.buyer, **SF)
    Evidence.objects.create(
        dispute=case, uploaded_by=merchant, party="merchant",
        file="evidence/x.jpg", original_name="x.jpg", content_type="image/jpeg",
        extension="jpg", size=10, sha256="0" * 64,
    )  # fmt: skip
    case = services.dispute_refuse_return(
        dispute=Dispute.objects.get(pk=case.pk), actor=merchant, preset="swapped"
    )
    assert case.return_refused_at is not None and case.state == "complaint"
    if outcome is None:
        return case
    case = services.dispute_take(dispute=case, actor=agent)
    return services.dispute_rule(
        dispute=case, actor=agent, outcome=outcome,
        liability="merchant" if outcome == "buyer" else "none",
        amount=Decimal("100.00") if outcome == "buyer" else None,
        rule=rule, reasoning="物流记录显示退回的是原商品",
    )  # fmt: skip


@pytest.mark.django_db
def test_the_figure_counts_them_exactly_and_the_rebuild_agrees():
    store = f.StoreFactory()
    rule, agent = f.PlatformRuleFactory(code="quality"), f.agent()
    refused_case(store, rule, agent, outcome="buyer")  # counts
    refused_case(store, rule, agent, outcome="buyer")  # counts
    refused_case(store, rule, agent, outcome="merchant")  # ruled for the merchant
    refused_case(store, rule, agent, outcome=None)  # waiting for the platform
    f.case_in_state("ruled", order=f.OrderFactory(store=store))  # never refused
    # 25 more orders: 30 in all, enough for a score
    for _ in range(25):
        f.OrderFactory(store=store, placed_at=NOW - timedelta(days=2))

    def figure() -> dict:
        sums = totals(Query())["_sums"]
        health_recompute(day=local_day(timezone.now()), propose=False)
        health = StoreHealth.objects.filter(store=store).latest("day")
        by_name = {fig["name"]: fig for fig in health.figures}
        fig = by_name["refuse_return_overturned_rate"]
        return {
            "rollup": sums.get("refuse_return_overturned", 0),
            "cases": sums.get("cases", 0),
            "figure": (fig["numerator"], fig["denominator"], fig["value"]),
        }

    expected = {"rollup": 2, "cases": 5, "figure": (2, 5, 0.4)}
    assert figure() == expected
    call_command("rebuild_report_rollups", stdout=StringIO())
    assert figure() == expected


@pytest.mark.django_db
def test_the_migration_fills_the_new_column_from_the_refused_cases_only():
    """reports 0006 on a database from before it: the column starts at 0 and
    the cases' stored contributions lack the measure; refreshing the refused
    cases (not the whole rollup) brings the figure to what a rebuild gives."""
    from importlib import import_module

    from django.apps import apps

    from reports.models import CaseContribution, Rollup

    store = f.StoreFactory()
    rule, agent = f.PlatformRuleFactory(code="quality"), f.agent()
    refused_case(store, rule, agent, outcome="buyer")
    refused_case(store, rule, agent, outcome="merchant")
    f.case_in_state("ruled", order=f.OrderFactory(store=store))
    call_command("rebuild_report_rollups", stdout=StringIO())
    rebuilt = totals(Query())["_sums"]
    assert rebuilt["refuse_return_overturned"] == 1

    # As the database stood before 0006.
    Rollup.objects.update(refuse_return_overturned=0)
    for row in CaseContribution.objects.all():
        row.measures.pop("refuse_return_overturned", None)
        row.save(update_fields=["measures"])
    assert totals(Query())["_sums"].get("refuse_return_overturned", 0) == 0

    migration = import_module(
        "reports.migrations.0006_healthgov_refuse_return_overturned"
    )
    migration.refresh_refused_returns(
        apps, SimpleNamespace(connection=SimpleNamespace(alias="default"))
    )
    assert totals(Query())["_sums"] == rebuilt
