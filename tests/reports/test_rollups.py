"""The rollups stay equal to what the raw tables say, after every action."""

from __future__ import annotations

import contextlib
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ApplicationError
from demo import seeding as demo
from demo.goods import CASES as GOODS_SHOWCASE
from disputes import services
from disputes.models import Dispute
from orders.models import Order
from reports import rollups
from reports.measures import MEASURES
from reports.models import CaseContribution, Rollup
from tests.factories import (
    OrderFactory,
    PlatformRuleFactory,
    StoreFactory,
    agent,
    case_in_state,
    supervisor,
)

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Every non-empty rollup cell with its non-zero figures (shards added up)."""
    cells: dict = {}
    for row in Rollup.objects.all().values():
        key = tuple(row[k] for k in rollups.CELL_COLUMNS)
        cell = cells.setdefault(key, Counter())
        cell.update({m: row[m] for m in MEASURES})
    out = {}
    for key, cell in cells.items():
        figures = {m: v for m, v in cell.items() if v}
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


# The property: whatever happens to cases, the rollups equal the raw tables.


# What may be tried in each state (some still fail, e.g. accepting no offer).
ACTIONS = {
    "negotiation": ("reject", "request_intervention", "offer", "message",
                    "accept", "accept_offer", "withdraw", "order"),
    "complaint": ("take", "pickup_breach", "message", "withdraw"),
    "verification": ("start_mediation", "rule_buyer", "ruling_breach",
                     "rule_merchant", "assign", "withdraw"),
    "mediation": ("propose", "accept_proposal_buyer", "accept_proposal_merchant",
                  "rule_buyer", "rule_merchant", "ruling_breach", "assign",
                  "withdraw"),
    "ruled": ("appeal_merchant", "appeal_buyer", "message"),
    "appeal": ("overturn", "uphold"),
    "closed": ("message", "order"),
}  # fmt: skip
START = datetime(2026, 3, 31, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


class Cast:
    def __init__(self):
        with time_machine.travel(START - timedelta(days=30), tick=False):
            self.rule = PlatformRuleFactory()
        self.stores = [StoreFactory(), StoreFactory(region="广东")]
        self.agents = [agent(), agent()]
        self.boss = supervisor()


def _forward(case: Dispute) -> str:
    """The step that moves a case towards a ruling and an appeal."""
    if case.state == "negotiation":
        return "request_intervention" if case.merchant_response else "reject"
    return {
        "complaint": "take",
        "verification": "start_mediation",
        "mediation": "rule_buyer",
        "ruled": "appeal_merchant",
        "appeal": "overturn",
    }.get(case.state, "order")


def _run(cast: Cast, case: Dispute, choice: int) -> None:
    case = Dispute.objects.select_related("store__owner").get(pk=case.pk)
    options = ACTIONS[case.state]
    action = options[(choice - 1) % len(options)] if choice else _forward(case)
    merchant, buyer = case.store.owner, case.buyer
    handler = case.assigned_to or cast.agents[0]
    decision = {"rule": cast.rule, "reasoning": "r"}
    calls = {
        "accept": lambda: services.dispute_accept(dispute=case, actor=merchant),
        "offer": lambda: services.dispute_offer(
            dispute=case, actor=merchant, amount=Decimal("10.00")
        ),
        "accept_offer": lambda: services.dispute_accept_offer(
            dispute=case, actor=buyer
        ),
        "reject": lambda: services.dispute_reject(
            dispute=case, actor=merchant, reason="no"
        ),
        "request_intervention": lambda: services.dispute_request_intervention(
            dispute=case, actor=buyer
        ),
        "withdraw": lambda: services.dispute_withdraw(dispute=case, actor=buyer),
        "take": lambda: services.dispute_take(dispute=case, actor=cast.agents[0]),
        "assign": lambda: services.dispute_assign(
            dispute=case, actor=cast.boss, assignee=cast.agents[1]
        ),
        "start_mediation": lambda: services.dispute_start_mediation(
            dispute=case, actor=handler
        ),
        "propose": lambda: services.dispute_propose(
            dispute=case, actor=handler, amount=Decimal("5.00"), note="n"
        ),
        "accept_proposal_buyer": lambda: services.dispute_accept_proposal(
            dispute=case, actor=buyer
        ),
        "accept_proposal_merchant": lambda: services.dispute_accept_proposal(
            dispute=case, actor=merchant
        ),
        "rule_buyer": lambda: services.dispute_rule(
            dispute=case, actor=handler, outcome="buyer", liability="merchant",
            amount=Decimal("1.00"), **decision,
        ),
        "rule_merchant": lambda: services.dispute_rule(
            dispute=case, actor=handler, outcome="merchant", liability="buyer",
            **decision,
        ),
        "appeal_buyer": lambda: services.dispute_appeal(
            dispute=case, actor=buyer, reason="x"
        ),
        "appeal_merchant": lambda: services.dispute_appeal(
            dispute=case, actor=merchant, reason="x"
        ),
        "uphold": lambda: services.dispute_uphold(
            dispute=case, actor=cast.boss, reasoning="r"
        ),
        "overturn": lambda: services.dispute_overturn(
            dispute=case, actor=cast.boss, outcome="merchant", liability="none",
            **decision,
        ),
        "message": lambda: services.message_post(dispute=case, actor=buyer, body="hi"),
    }  # fmt: skip
    if action in ("pickup_breach", "ruling_breach"):
        field = f"{action.split('_')[0]}_breached_at"
        Dispute.objects.filter(pk=case.pk, **{f"{field}__isnull": True}).update(
            **{field: START}
        )
        services.message_post(dispute=case, actor=cast.boss, body="x", internal=True)
        return
    if action == "order":
        OrderFactory(store=case.store)
        return
    with contextlib.suppress(ApplicationError):  # not available now
        calls[action]()


def raw_totals() -> dict:
    cases = Dispute.objects.all()
    return {
        "cases": cases.count(),
        "interventions": cases.filter(intervened_at__isnull=False).count(),
        "rulings": cases.filter(ruled_at__isnull=False).count(),
        "appeals": cases.filter(
            Q(state="appeal") | Q(resolution__in=["upheld", "overturned"])
        ).count(),
        "overturned": cases.filter(resolution="overturned").count(),
        "merchant_liable": cases.filter(
            ruled_at__isnull=False, liability="merchant"
        ).count(),
        "open_cases": cases.exclude(state="closed").count(),
        "orders": Order.objects.count(),
    }


def rollup_totals() -> dict:
    sums = Counter()
    for row in Rollup.objects.filter(cuboid=2).values():
        for name in raw_totals_names:
            sums[name] += row[name]
    return dict(sums)


raw_totals_names = ("cases", "interventions", "rulings", "appeals", "overturned",
                    "merchant_liable", "open_cases", "orders")  # fmt: skip


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.integers(0, 2),
            st.one_of(st.just(0), st.integers(1, 8)),  # 0: move the case on
            st.integers(0, 30),  # hours passing before the step
        ),
        max_size=40,
    )
)
def test_random_histories_keep_rollups_exact(django_db_blocker, steps):
    with django_db_blocker.unblock(), transaction.atomic():
        cast = Cast()
        now = START
        cases = []
        for i in range(3):
            order = OrderFactory(store=cast.stores[i % 2], placed_at=now - timedelta(1))
            with time_machine.travel(now, tick=False):
                cases.append(
                    services.dispute_open(
                        actor=order.buyer, order=order, remedy="refund_only",
                        reason=["quality", "damaged"][i % 2], amount=Decimal("100.00"),
                        description="破损",
                    )
                )  # fmt: skip
        for index, choice, hours in steps:
            now += timedelta(hours=hours)
            with time_machine.travel(now, tick=False):
                _run(cast, cases[index], choice)
        assert rollup_totals() == raw_totals()
        assert_rollups_exact()
        transaction.set_rollback(True)


def test_rebuild_command_is_safe_to_rerun():
    from io import StringIO

    from django.core.management import CommandError, call_command

    case_in_state("ruled")
    before = snapshot()
    for args in ([], ["--from", "2026-01-15", "--to", "2030-01-01"], []):
        out = StringIO()
        call_command("rebuild_report_rollups", *args, stdout=out)
        assert "Rolled up" in out.getvalue()
        assert snapshot() == before
    with pytest.raises(CommandError):
        call_command("rebuild_report_rollups", "--from", "March")


def test_a_bulk_seeded_demo_has_the_rollups_a_rebuild_gives():
    """The seeder derives each case's contribution as it builds the case."""
    demo.seed_demo(cases=90, batch_size=40, method="bulk")
    # 90 drawn cases and the goods showcase's (demo/goods.py).
    showcase = len(GOODS_SHOWCASE)
    assert CaseContribution.objects.count() == Dispute.objects.count() == 90 + showcase
    assert_rollups_exact()
