"""A store's figures by window (the workbench's store page) and the repeat
offender rule, read from the rollups and counted by hand.

Today is 2026-06-15 (China time). Store S has seven cases:

| case | opened (China time) | days ago | intervened | ruled merchant at fault |
|---|---|---:|---|---|
| 1 | 2026-06-15 08:00 | 0 | yes | yes |
| 2 | 2026-06-01 10:00 | 14 | yes | no (not ruled) |
| 3 | 2026-05-17 10:00 | 29 | no | no |
| 4 | 2026-05-16 23:30 | 30 | yes | yes |
| 5 | 2026-03-18 09:00 | 89 | yes | yes |
| 6 | 2026-03-17 20:00 | 90 | yes | no (ruled for the merchant) |
| 7 | 2025-01-10 12:00 | 521 | yes | yes |

The last 30 days are 05-17 to 06-15 (cases 1-3), the last 90 days 03-18 to
06-15 (cases 1-5). Store T's one case today (intervened, at fault) must not
count for S.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from disputes.models import Dispute
from reports.selectors import (
    REPEAT_OFFENDER_DAYS,
    REPEAT_OFFENDER_RULINGS,
    Query,
    repeat_offender,
    repeat_offenders,
    store_figures_by_window,
    store_is_repeat_offender,
)
from tests.factories import DisputeFactory, StoreFactory, agent, manager

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
TODAY = datetime(2026, 6, 15, 12, 0, tzinfo=SH)


def case(store, opened: datetime, *, intervened: bool, at_fault: bool | None):
    """A case of `store`; `at_fault` None: not ruled; else ruled, the merchant
    at fault or not."""
    ruled = at_fault is not None
    DisputeFactory(
        order__store=store,
        order__placed_at=opened,
        opened_at=opened,
        state="ruled" if ruled else "complaint" if intervened else "negotiation",
        intervened_at=opened if intervened else None,
        ruled_at=opened if ruled else None,
        outcome=("buyer" if at_fault else "merchant") if ruled else "",
        liability=("merchant" if at_fault else "none") if ruled else "",
    )


@pytest.fixture
def store():
    s, t = StoreFactory(), StoreFactory()
    with time_machine.travel(TODAY, tick=False):
        for opened, intervened, at_fault in [
            (datetime(2026, 6, 15, 8, 0, tzinfo=SH), True, True),
            (datetime(2026, 6, 1, 10, 0, tzinfo=SH), True, None),
            (datetime(2026, 5, 17, 10, 0, tzinfo=SH), False, None),
            (datetime(2026, 5, 16, 23, 30, tzinfo=SH), True, True),
            (datetime(2026, 3, 18, 9, 0, tzinfo=SH), True, True),
            (datetime(2026, 3, 17, 20, 0, tzinfo=SH), True, False),
            (datetime(2025, 1, 10, 12, 0, tzinfo=SH), True, True),
        ]:
            case(s, opened, intervened=intervened, at_fault=at_fault)
        case(t, datetime(2026, 6, 15, 9, 0, tzinfo=SH), intervened=True, at_fault=True)
    return s


def test_store_figures_by_window_count_by_hand(store):
    with time_machine.travel(TODAY, tick=False):
        rows = store_figures_by_window(store_id=store.pk)
    assert rows == [
        {"window": "all", "days": None, "cases": 7, "intervened": 6,
         "intervention_rate": 0.8571, "merchant_liable": 4},
        {"window": "30", "days": 30, "cases": 3, "intervened": 2,
         "intervention_rate": 0.6667, "merchant_liable": 1},
        {"window": "90", "days": 90, "cases": 5, "intervened": 4,
         "intervention_rate": 0.8, "merchant_liable": 3},
    ]  # fmt: skip


def test_a_store_without_cases_has_no_rate():
    with time_machine.travel(TODAY, tick=False):
        rows = store_figures_by_window(store_id=StoreFactory().pk)
    assert [(r["cases"], r["intervention_rate"]) for r in rows] == [(0, None)] * 3


def test_store_figures_read_two_queries_of_the_rollups(store):
    with time_machine.travel(TODAY, tick=False):
        with CaptureQueriesContext(connection) as ctx:
            store_figures_by_window(store_id=store.pk)
    assert len(ctx.captured_queries) == 2
    assert all("reports_rollup" in q["sql"] for q in ctx.captured_queries)


# The repeat offender rule: at least 3 cases opened in the last 90 days ruled
# the merchant's fault. S has 3 (cases 1, 4 and 5); T has 1.


@pytest.mark.parametrize(("rulings", "offender"), [(0, False), (2, False), (3, True)])
def test_the_threshold(rulings, offender):
    assert REPEAT_OFFENDER_RULINGS == 3 and REPEAT_OFFENDER_DAYS == 90
    assert repeat_offender(rulings) is offender


def test_repeat_offenders_count_the_last_90_days(store):
    with time_machine.travel(TODAY, tick=False):
        assert repeat_offenders() == {store.pk: 3}
        with CaptureQueriesContext(connection) as ctx:
            repeat_offenders(Query(category=store.category_id))
        assert len(ctx.captured_queries) == 1
    # A day later case 5 (opened 03-18) has left the window: 2 rulings.
    with time_machine.travel(datetime(2026, 6, 16, 12, 0, tzinfo=SH), tick=False):
        assert repeat_offenders() == {}


def test_the_case_page_flag_is_the_same_rule(store):
    """The workbench's flag beside a case counts every case of the window (the
    one shown too), so a store is flagged on every page or on none."""
    with time_machine.travel(TODAY, tick=False):
        with CaptureQueriesContext(connection) as ctx:
            assert store_is_repeat_offender(store_id=store.pk) is True
        assert len(ctx.captured_queries) == 1
        other = Dispute.objects.exclude(store=store).get()
        assert store_is_repeat_offender(store_id=other.store_id) is False


def test_the_outliers_page_shows_the_rule_and_the_repeat_offenders(client, store):
    client.force_login(manager())
    with time_machine.travel(TODAY, tick=False):
        page = client.get("/reports/outliers/")
        response = client.get("/reports/outliers/?format=csv&table=repeat_offenders")
    rule = "At least 3 cases opened in the last 90 days ruled the merchant's fault"
    assert page.context["repeat_offender_rule"] == rule
    assert escape(rule) in page.content.decode()
    assert [r["store_id"] for r in page.context["result"]["repeat_offenders"]] == [
        store.pk
    ]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text))
    assert header[-1] == "Merchant-at-fault rulings, last 90 days"
    assert rows == [[store.name, store.category.name, store.region, "3"]]


def test_the_workbench_case_page_brands_by_the_governance_tier(client, store):
    """The badge beside a case's store history (屡次违规) reads the store's
    governance tier (warning or worse: stores.governance.in_trouble), its
    wording in the badge's title: one definition of a store in trouble.
    Three merchant-at-fault rulings alone no longer brand a store."""
    from stores.governance import action_decide, action_propose
    from tests.factories import supervisor

    client.force_login(agent())
    offender_case = Dispute.objects.filter(store=store).order_by("-opened_at")[0]
    other_case = Dispute.objects.exclude(store=store).get()
    with time_machine.travel(TODAY, tick=False):
        before = client.get(f"/admin/disputes/dispute/{offender_case.pk}/change/")
    assert before.context["history"]["store"]["repeat"] is False
    action = action_propose(store=store, to_tier="warning", score=60)
    action_decide(action=action, actor=supervisor(), approve=True, reason="警告")
    with time_machine.travel(TODAY, tick=False):
        flagged = client.get(f"/admin/disputes/dispute/{offender_case.pk}/change/")
        clean = client.get(f"/admin/disputes/dispute/{other_case.pk}/change/")
    store_panel = flagged.context["history"]["store"]
    assert store_panel["repeat"] is True
    assert escape(store_panel["repeat_rule"]) in flagged.content.decode()
    assert clean.context["history"]["store"]["repeat"] is False
