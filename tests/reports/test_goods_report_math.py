"""Returning cases in the report figures, counted by hand.

Five cases of one store in March 2026 (China time), all through the services:

1. 03-10 10:00 return agreed at 12:00, shipped 03-11, confirmed 03-13 10:00:
   self-settled, closed after exactly 72 h (the goods' trip included).
2. 03-18 10:00 return agreed, the goods not sent yet at the sweep (03-20):
   still returning, already a settlement, open.
3. 03-02 10:00 return agreed, shipped, refused with evidence: the platform
   steps in (one intervention), an agent rules for the buyer in money; the
   appeal window passes at the sweep: closed `ruled`, no settlement.
4. 03-05 10:00 rejected, intervention, the merchant concedes: settled after
   intervention.
5. 03-01 10:00 return agreed, never sent back: closed `return_lapsed` at the
   sweep, still the settlement the parties reached.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from disputes import services
from disputes.models import Evidence
from reports.measures import bucket_column, bucket_of
from reports.selectors import Query, totals
from tests.factories import OrderFactory, PlatformRuleFactory, StoreFactory, agent

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
SF = {"carrier": "SF", "tracking_number": "SF1234567890123"}


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=SH)


def step(when, fn, **kw):
    with time_machine.travel(when, tick=False):
        return fn(**kw)


def test_returning_cases_in_the_figures():
    with time_machine.travel(at(1, 0), tick=False):
        rule = PlatformRuleFactory(code="quality")
    store = StoreFactory()
    merchant, the_agent = store.owner, agent()

    def open_case(day, remedy="return_refund"):
        order = OrderFactory(store=store, placed_at=at(day - 1 if day > 1 else 1, 0))
        return step(
            at(day), services.dispute_open, actor=order.buyer, order=order,
            reason="quality", remedy=remedy, amount=Decimal("100.00"),
            description="开线",
        )  # fmt: skip

    one = open_case(10)
    step(at(10, 12), services.dispute_accept, dispute=one, actor=merchant)
    one.refresh_from_db()
    step(at(11), services.dispute_ship_return, dispute=one, actor=one.buyer, **SF)
    one.refresh_from_db()
    step(at(13), services.dispute_confirm_return, dispute=one, actor=merchant)

    two = open_case(18)
    step(at(18, 12), services.dispute_accept, dispute=two, actor=merchant)

    three = open_case(2)
    step(at(2, 12), services.dispute_accept, dispute=three, actor=merchant)
    three.refresh_from_db()
    step(at(3), services.dispute_ship_return, dispute=three, actor=three.buyer, **SF)
    with time_machine.travel(at(4), tick=False):
        Evidence.objects.create(
            dispute=three, uploaded_by=merchant, party="merchant",
            file="evidence/x.jpg", original_name="x.jpg",
            content_type="image/jpeg", extension="jpg", size=10, sha256="0" * 64,
        )  # fmt: skip
    three.refresh_from_db()
    step(at(4), services.dispute_refuse_return, dispute=three, actor=merchant,
         preset="swapped")  # fmt: skip
    three.refresh_from_db()
    step(at(4, 12), services.dispute_take, dispute=three, actor=the_agent)
    three.refresh_from_db()
    step(
        at(5), services.dispute_rule, dispute=three, actor=the_agent,
        outcome="buyer", liability="merchant", amount=Decimal("100.00"),
        rule=rule, reasoning="物流记录显示退回的是原商品",
    )  # fmt: skip

    four = open_case(5, remedy="refund_only")
    step(at(5, 11), services.dispute_reject, dispute=four, actor=merchant,
         reason="无质量问题")  # fmt: skip
    four.refresh_from_db()
    step(at(5, 12), services.dispute_request_intervention, dispute=four,
         actor=four.buyer)  # fmt: skip
    four.refresh_from_db()
    step(at(6), services.dispute_concede, dispute=four, actor=merchant)

    five = open_case(1)
    step(at(1, 12), services.dispute_accept, dispute=five, actor=merchant)

    with time_machine.travel(at(20), tick=False):
        call_command("apply_deadlines", stdout=StringIO())

    states = {
        n: (c.state, c.resolution)
        for n, c in {1: one, 2: two, 3: three, 4: four, 5: five}.items()
        if not c.refresh_from_db()
    }
    assert states == {
        1: ("closed", "agreed"),
        2: ("returning", ""),
        3: ("closed", "ruled"),
        4: ("closed", "agreed"),
        5: ("closed", "return_lapsed"),
    }
    sums = totals(Query())["_sums"]
    counts = {
        name: sums.get(name, 0)
        for name in ("cases", "interventions", "self_settled", "post_settled",
                     "open_cases", "rulings", "agreed", "ruled_final")
    }  # fmt: skip
    assert counts == {
        "cases": 5,
        "interventions": 2,  # case 3 once, case 4
        "self_settled": 3,  # cases 1, 2 (returning) and 5 (lapsed)
        "post_settled": 1,  # case 4 conceded
        "open_cases": 1,
        "rulings": 1,
        "agreed": 2,
        "ruled_final": 1,
    }
    assert sums[bucket_column("close", bucket_of(72))] == 1  # case 1 alone
    figures = totals(Query())
    assert figures["self_settlement_rate"] == pytest.approx(0.6)
    assert figures["post_intervention_settlement_rate"] == pytest.approx(0.5)
