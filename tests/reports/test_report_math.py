"""Report math against a hand-counted data set built through the real services.

Two stores, six cases over March and April 2026 (China time), sixteen orders:

1. A, quality, 03-10 10:00: the merchant accepts after 2 h.
2. A, quality, 03-31 23:30 (so March): rejected after 5 h, intervened, taken
   3 h later by agent1, ruled for the buyer (merchant at fault) 10 h later,
   appealed, overturned: the merchant wins, nobody at fault.
3. B, damaged, 03-15 09:00: rejected after 1 h, intervened, taken by agent2
   after 30 h (pick-up target missed), settled by mediation.
4. B, quality, 04-02 12:00: counter-offer after 20 h, the buyer withdraws.
5. A, not_received, 04-05 08:00: rejected after 47 h, intervened, taken 1 h
   later by agent1, ruled 5 h later for the buyer, merchant at fault (ruling
   target missed), appealed, upheld.
6. A, quality, 04-10 15:00: still in negotiation.

Each case's order is placed the day before it opens; more orders without a
case: A 4 in March (one at 23:30 on the 31st) and 2 in April, B 3 and 1. So
March has 10 orders (A: cases 1, 2 and 4 more; B: case 3 and 3 more), April 6.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from disputes import services
from disputes.models import Dispute, PlatformRule
from reports.measures import BUCKET_EDGES, CASE_MEASURES, bucket_of
from reports.selectors import Query, grouped_sums, summary, totals
from reports.selectors import _windows as windows
from tests.factories import (
    CategoryFactory,
    OrderFactory,
    PlatformRuleFactory,
    StoreFactory,
    agent,
    supervisor,
)

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


class World:
    def __init__(self):
        with time_machine.travel(at(1, 1), tick=False):
            self.rule = PlatformRuleFactory(code="quality")
        self.a = StoreFactory(
            category=CategoryFactory(code="apparel", name="服饰"), region="浙江"
        )
        self.b = StoreFactory(
            category=CategoryFactory(code="food", name="食品"), region="广东"
        )
        self.agent1 = agent(username="agent1")
        self.agent2 = agent(username="agent2")
        self.boss = supervisor()
        self.cases: dict[int, Dispute] = {}

    def order(self, store, placed):
        return OrderFactory(store=store, placed_at=placed)

    def open(self, n, store, reason, opened):
        order = self.order(store, opened - timedelta(days=1))
        with time_machine.travel(opened, tick=False):
            self.cases[n] = services.dispute_open(
                actor=order.buyer, order=order, reason=reason,
                remedy="refund_only", amount=Decimal("100.00"), description="破损",
            )  # fmt: skip
        return self.cases[n]

    def do(self, n, when, action, **kw):
        if isinstance(kw.get("rule"), str):  # the services take the rule in force
            kw["rule"] = PlatformRule.objects.in_force().get(code=kw["rule"])
        with time_machine.travel(when, tick=False):
            fn = getattr(services, f"dispute_{action}")
            self.cases[n] = fn(dispute=self.cases[n], **kw)

    def breach(self, n, field, when):
        """What the SLA worker does: stamp the miss, write a timeline entry."""
        Dispute.objects.filter(pk=self.cases[n].pk).update(**{field: when})
        with time_machine.travel(when, tick=False):
            services.message_post(
                dispute=self.cases[n], actor=self.boss,
                body="target missed", internal=True,
            )  # fmt: skip


@pytest.fixture
def world():
    w = World()
    c1 = w.open(1, w.a, "quality", at(3, 10, 10))
    w.do(1, at(3, 10, 12), "accept", actor=c1.store.owner)

    c2 = w.open(2, w.a, "quality", at(3, 31, 23, 30))
    merchant_a, buyer2 = c2.store.owner, c2.buyer
    w.do(2, at(4, 1, 4, 30), "reject", actor=merchant_a, reason="no")
    w.do(2, at(4, 1, 5, 30), "request_intervention", actor=buyer2)
    w.do(2, at(4, 1, 8, 30), "take", actor=w.agent1)
    ruling = {"rule": "quality", "reasoning": "r", "actor": w.agent1}
    w.do(2, at(4, 1, 18, 30), "rule", outcome="buyer", liability="merchant",
         amount=Decimal("100.00"), **ruling)  # fmt: skip
    w.do(2, at(4, 2, 9), "appeal", actor=merchant_a, reason="new facts")
    w.do(2, at(4, 3, 9), "overturn", actor=w.boss, outcome="merchant",
         liability="none", rule="quality", reasoning="r")  # fmt: skip

    c3 = w.open(3, w.b, "damaged", at(3, 15, 9))
    merchant_b = c3.store.owner
    w.do(3, at(3, 15, 10), "reject", actor=merchant_b, reason="no")
    w.do(3, at(3, 15, 11), "request_intervention", actor=c3.buyer)
    w.breach(3, "pickup_breached_at", at(3, 16, 11))
    w.do(3, at(3, 16, 17), "take", actor=w.agent2)
    w.do(3, at(3, 16, 18), "start_mediation", actor=w.agent2)
    w.do(3, at(3, 16, 19), "propose", actor=w.agent2, amount=Decimal("50.00"), note="n")
    w.do(3, at(3, 16, 20), "accept_proposal", actor=c3.buyer)
    w.do(3, at(3, 16, 21), "accept_proposal", actor=merchant_b)

    c4 = w.open(4, w.b, "quality", at(4, 2, 12))
    w.do(4, at(4, 3, 8), "offer", actor=merchant_b, amount=Decimal("20.00"), note="n")
    w.do(4, at(4, 3, 9), "withdraw", actor=c4.buyer)

    c5 = w.open(5, w.a, "not_received", at(4, 5, 8))
    w.do(5, at(4, 7, 7), "reject", actor=merchant_a, reason="no")
    w.do(5, at(4, 7, 8), "request_intervention", actor=c5.buyer)
    w.do(5, at(4, 7, 9), "take", actor=w.agent1)
    w.breach(5, "ruling_breached_at", at(4, 7, 13))
    w.do(5, at(4, 7, 14), "rule", outcome="buyer", liability="merchant",
         amount=Decimal("100.00"), **ruling)  # fmt: skip
    w.do(5, at(4, 8, 9), "appeal", actor=merchant_a, reason="new facts")
    w.do(5, at(4, 9, 9), "uphold", actor=w.boss, reasoning="r")

    w.open(6, w.a, "quality", at(4, 10, 15))

    # Orders without a case: A 4 in March (one at 23:30 on the 31st), 2 in
    # April; B 3 in March, 1 in April.
    for placed in (at(3, 2), at(3, 3), at(3, 4), at(3, 31, 23, 30)):
        w.order(w.a, placed)
    for placed in (at(4, 1, 0, 30), at(4, 20)):
        w.order(w.a, placed)
    for placed in (at(3, 5), at(3, 6), at(3, 7)):
        w.order(w.b, placed)
    w.order(w.b, at(4, 21))
    return w


MARCH_APRIL = {"date_from": at(3, 1).date(), "date_to": at(4, 30).date()}


def rows(group_by, **kw):
    report = summary(Query(group_by=group_by, **{**MARCH_APRIL, **kw}))
    return {r["key"]: r for r in report["rows"]}, report["totals"]


COUNTS = ("orders", "cases", "interventions", "rulings", "appeals", "overturns")


def test_monthly_counts_and_rates(world):
    by_month, total = rows("month")
    assert {k: tuple(r[c] for c in COUNTS) for k, r in by_month.items()} == {
        "2026-03": (10, 3, 2, 1, 1, 1),  # case 2 (23:30 on 31 March) is March's
        "2026-04": (6, 3, 1, 1, 1, 0),
    }
    march, april = by_month["2026-03"], by_month["2026-04"]
    expected = {
        "dispute_rate": (0.3, 0.5, 0.375),
        "intervention_rate": (0.6667, 0.3333, 0.5),
        "self_settlement_rate": (0.3333, 0.3333, 0.3333),
        "post_intervention_settlement_rate": (0.5, 0.0, 0.3333),
        "merchant_liability_rate": (0.0, 0.1667, 0.0625),  # case 2 overturned
        "interventions_per_1000_orders": (200.0, 166.67, 187.5),
        "buyer_win_rate": (0.0, 1.0, 0.5),  # case 2 counts as a merchant win
        "appeal_rate": (1.0, 1.0, 1.0),
        "overturn_rate": (1.0, 0.0, 0.5),
        "pickup_sla_compliance": (0.5, 1.0, 0.6667),  # case 3 missed
        "ruling_sla_compliance": (1.0, 0.0, 0.6667),  # case 5 missed
    }
    for name, (m, a, t) in expected.items():
        assert (march[name], april[name], total[name]) == (m, a, t), name
    assert tuple(total[c] for c in COUNTS) == (16, 6, 3, 2, 2, 1)


def _within_one_bucket(estimate: float, exact: float) -> bool:
    i = bucket_of(exact)
    low = BUCKET_EDGES[i]
    high = BUCKET_EDGES[i + 1] if i + 1 < len(BUCKET_EDGES) else float("inf")
    return low <= estimate <= high


@pytest.mark.parametrize(
    ("figure", "hours"),
    [
        ("first_response", [2, 5, 1, 20, 47]),
        ("pickup", [3, 30, 1]),
        ("ruling", [10, 5]),
        ("close", [2, 24 * 2 + 9.5, 36, 21, 24 * 4 + 1]),
    ],
)
def test_times_are_within_one_bucket_of_exact(world, figure, hours):
    total = totals(Query(**MARCH_APRIL))
    ordered = sorted(hours)
    exact_p50 = ordered[(len(ordered) + 1) // 2 - 1]
    exact_p90 = ordered[-(-9 * len(ordered) // 10) - 1]
    assert _within_one_bucket(total[f"hours_to_{figure}_p50"], exact_p50)
    assert _within_one_bucket(total[f"hours_to_{figure}_p90"], exact_p90)


def test_first_response_percentiles_by_hand(world):
    # 1, 2, 5, 20, 47 h: the median is in the 5-6 h bucket (read half-way
    # through it: 5.5), the 90th percentile in the 42-48 h bucket (45.0).
    total = totals(Query(**MARCH_APRIL))
    assert total["hours_to_first_response_p50"] == 5.5
    assert total["hours_to_first_response_p90"] == 45.0


def test_by_store_category_region(world):
    for group, a_key, b_key in (
        ("store", world.a.pk, world.b.pk),
        ("category", "apparel", "food"),
        ("region", "浙江", "广东"),
    ):
        grouped, _total = rows(group)
        assert {k: (r["orders"], r["cases"], r["interventions"])
                for k, r in grouped.items()} == {
            a_key: (10, 4, 2),
            b_key: (6, 2, 1),
        }, group  # fmt: skip
    grouped, _total = rows("category")
    assert grouped["apparel"]["label"] == "服饰"


def test_by_reason_orders_are_not_split(world):
    grouped, total = rows("reason")
    assert {k: (r["cases"], r["interventions"], r["orders"])
            for k, r in grouped.items()} == {
        "quality": (4, 1, 16),
        "damaged": (1, 1, 16),
        "not_received": (1, 1, 16),
    }  # fmt: skip
    assert grouped["damaged"]["dispute_rate"] == 0.0625
    assert total["orders"] == 16


def test_by_agent(world):
    grouped, total = rows("agent")
    assert {k: (r["cases"], r["rulings"], r["appeals"], r["overturns"])
            for k, r in grouped.items()} == {
        "agent1": (2, 2, 2, 1),
        "agent2": (1, 0, 0, 0),
        None: (3, 0, 0, 0),
    }  # fmt: skip
    assert grouped["agent1"]["buyer_win_rate"] == 0.5
    assert total["orders"] is None and total["dispute_rate"] is None


def test_filters_combine(world):
    grouped, total = rows("month", store=world.a.pk, reason="quality")
    assert {k: (r["cases"], r["interventions"]) for k, r in grouped.items()} == {
        "2026-03": (2, 1),
        "2026-04": (1, 0),
    }
    assert total["orders"] == 10  # orders have no reason: all of store A's
    grouped, total = rows("reason", region="广东")
    assert {k: r["cases"] for k, r in grouped.items()} == {"damaged": 1, "quality": 1}
    _grouped, total = rows("store", agent=world.agent1.pk)
    assert total["cases"] == 2


def test_weeks_and_days_in_china_time(world):
    weeks, _total = rows("week")
    assert {k: r["cases"] for k, r in weeks.items() if r["cases"]} == {
        "2026-03-09": 2,
        "2026-03-30": 3,
        "2026-04-06": 1,
    }
    assert weeks["2026-03-16"]["cases"] == 0  # empty weeks are shown
    assert weeks["2026-03-16"]["intervention_rate"] is None
    days, _total = rows("day")
    assert days["2026-03-31"]["cases"] == 1 and days["2026-04-01"]["cases"] == 0
    assert days["2026-03-31"]["orders"] == 1  # the one placed at 23:30


def test_a_window_that_is_not_whole_months(world):
    _rows, total = rows("store", date_from=at(3, 11).date(), date_to=at(4, 5).date())
    assert (total["cases"], total["interventions"]) == (4, 3)  # cases 2-5


def test_an_empty_period(world):
    report = summary(
        Query(group_by="month", date_from=at(5, 1).date(), date_to=at(5, 31).date())
    )
    assert [r["key"] for r in report["rows"]] == ["2026-05"]
    t = report["totals"]
    assert (t["cases"], t["orders"], t["intervention_rate"], t["dispute_rate"]) == (
        0,
        0,
        None,
        None,
    )
    assert t["hours_to_close_p50"] is None


def test_merchant_scope(world):
    _rows, total = rows("month", stores=frozenset({world.b.pk}))
    assert (total["cases"], total["orders"]) == (2, 6)


def test_partial_months_at_both_ends_add_up(world):
    # 15 Feb - 5 Apr: February's end and April's start from the daily rollups,
    # March whole from the monthly ones.
    grouped, total = rows("month", date_from=at(2, 15).date(), date_to=at(4, 5).date())
    assert {k: r["cases"] for k, r in grouped.items()} == {
        "2026-02": 0,
        "2026-03": 3,
        "2026-04": 2,
    }
    assert (total["cases"], total["interventions"], total["orders"]) == (5, 3, 13)
    by_store, _total = rows(
        "store", date_from=at(2, 15).date(), date_to=at(4, 5).date()
    )
    assert {k: r["cases"] for k, r in by_store.items()} == {
        world.a.pk: 3,
        world.b.pk: 2,
    }


@pytest.mark.parametrize(
    "start, end",
    [
        ((3, 2), (3, 31)),  # March less its first day
        ((3, 11), (4, 29)),  # both ends from whole months less some days
        ((3, 30), (4, 3)),  # both ends from their days
        ((2, 20), (4, 28)),
        ((3, 10), (3, 30)),  # inside one month, both ends left out
    ],
)
@pytest.mark.parametrize("group", ["month", "store", "category", "reason", "agent"])
def test_partial_months_from_whole_months_less_days(world, start, end, group):
    """A partial month read as the whole month less the days left out gives
    the same sums as its own days (the daily cuboids, group by day)."""
    window = {"date_from": at(*start).date(), "date_to": at(*end).date()}
    by_day = summary(Query(group_by="day", **window))["totals"]
    grouped = summary(Query(group_by=group, **window))
    if group == "agent":  # figures per order are not given by agent
        per_order = ("orders", "dispute_rate", "merchant_liability_rate")
        by_day = {k: v for k, v in by_day.items() if k not in per_order}
        by_day.pop("interventions_per_1000_orders")
    got = {k: v for k, v in grouped["totals"].items() if k in by_day and k != "label"}
    assert got == {k: v for k, v in by_day.items() if k in got}
    assert _summed(Query(**window), group) == _summed(Query(**window), "day")
    assert sum(r["cases"] for r in grouped["rows"]) == by_day["cases"]


def _summed(query: Query, group: str) -> dict:
    """Every case measure summed over the groups (orders left out: the agent
    cuboids keep none)."""
    total: Counter = Counter()
    for sums in grouped_sums(query, group, names=CASE_MEASURES).values():
        total.update(sums)
    return {name: count for name, count in total.items() if count}


@pytest.mark.parametrize(
    "today, date_to, taken_away",
    [
        # Up to today in mid-April: the month less the days from tomorrow on
        # (a clock a day behind may still write tomorrow's cases).
        ((4, 10), (4, 10), [((4, 11), (4, 30))]),
        # The month's last day: nothing after it to take away.
        ((4, 30), (4, 30), []),
        ((4, 29), (4, 29), [((4, 30), (4, 30))]),
    ],
)
def test_days_after_tomorrow_are_not_taken_away(today, date_to, taken_away):
    """Whole months less their days: days after tomorrow hold no cases yet,
    so reading them back to take them away would only cost a query."""
    query = Query(date_from=at(3, 1).date(), date_to=at(*date_to).date())
    with time_machine.travel(at(*today, 12), tick=False):
        parts = windows(query, "store", monthly=True)
    assert [(s, e) for s, e, _grain, sign in parts if sign < 0] == [
        (at(*start).date(), at(*end).date()) for start, end in taken_away
    ]
