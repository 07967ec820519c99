"""The quality report: exact figures per agent, the team row, reviewer
agreement, the window, and who may read it (managers and supervisors)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from disputes.models import Appeal, Dispute, QualityReview, Ruling
from reports.quality import quality_by_agent
from reports.selectors.query import Query
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 24)


def _at(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(
        hours=12
    )


def _ruling(agent, *, day=DAY, departed=False, rule=None):
    case = f.DisputeFactory(state="ruled", ruled_at=_at(day), outcome="buyer")
    return Ruling.objects.create(
        dispute=case,
        outcome="buyer",
        liability="merchant",
        rule=rule or f.PlatformRuleFactory(),
        reasoning="x",
        decided_by=agent,
        decided_at=_at(day),
        majority_outcome="merchant" if departed else "",
        departure_reason="理由" if departed else "",
    )


def _appeal(ruling, decision):
    Appeal.objects.create(
        dispute=ruling.dispute,
        appellant=ruling.dispute.buyer,
        party="buyer",
        reason="y",
        decision=decision,
        decided_at=_at(DAY),
    )


def _review(ruling, marks, *, blind_of=None):
    items = dict(
        zip(
            ["facts_checked", "rule_applied", "reasoning_clear", "outcome_consistent"],
            marks,
            strict=True,
        )
    )
    return QualityReview.objects.create(
        ruling=ruling,
        agent=ruling.decided_by,
        week=DAY - timedelta(days=DAY.weekday()),
        why="second" if blind_of else "sample",
        blind_of=blind_of,
        reviewer=f.supervisor(),
        reviewed_at=_at(DAY),
        **items,
    )


@pytest.fixture
def world():
    a = f.agent(username="agent_a", display_name="甲")
    b = f.agent(username="agent_b", display_name="乙")
    a_rulings = [_ruling(a, departed=i == 0) for i in range(4)]
    _ruling(a, day=DAY - timedelta(days=60), departed=True)  # outside the window
    b_ruling = _ruling(b)
    _appeal(a_rulings[0], "overturned")
    _appeal(a_rulings[1], "upheld")
    _appeal(b_ruling, "")  # not decided yet: not counted
    first = _review(a_rulings[0], [True, True, True, True])
    _review(a_rulings[1], [True, False, True, False])
    _review(a_rulings[0], [True, True, False, True], blind_of=first)  # 3 of 4 alike
    return a, b


def test_exact_figures(world):
    result = quality_by_agent(
        Query(date_from=DAY - timedelta(days=7), date_to=DAY + timedelta(days=7))
    )
    rows = {row["name"]: row for row in result["rows"]}
    a, b = rows["甲"], rows["乙"]
    assert a["rulings"] == 4
    assert (a["departure"]["part"], a["departure"]["whole"]) == (1, 4)
    assert a["departure"]["rate"] == 0.25
    assert a["departure"]["low"] == pytest.approx(0.045586, abs=1e-6)
    assert a["departure"]["high"] == pytest.approx(0.699364, abs=1e-6)
    assert a["reviews"] == 2  # the blind second is left out
    assert (a["qa"]["part"], a["qa"]["whole"], a["qa"]["rate"]) == (6, 8, 0.75)
    assert (a["appeals"], a["overturn"]["part"], a["overturn"]["rate"]) == (2, 1, 0.5)
    assert b["rulings"] == 1 and b["departure"]["rate"] == 0.0
    assert b["appeals"] == 0 and b["overturn"]["rate"] is None
    assert b["overturn"]["low"] is None
    assert b["qa"]["rate"] is None
    team = result["totals"]
    assert (team["rulings"], team["departure"]["part"], team["qa"]["whole"]) == (
        5,
        1,
        8,
    )
    agreement = result["agreement"]
    assert (agreement["pairs"], agreement["part"], agreement["whole"]) == (1, 3, 4)
    assert agreement["rate"] == 0.75


def test_the_window_counts_rulings_by_decision_day(world):
    result = quality_by_agent(Query(date_from=DAY - timedelta(days=90)))
    rows = {row["name"]: row for row in result["rows"]}
    assert rows["甲"]["rulings"] == 5
    assert rows["甲"]["departure"]["part"] == 2


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("supervisor", 200), ("agent", 404), ("buyer", 404)],
)
def test_who_reads_the_page(client, world, role, status):
    client.force_login(getattr(f, role)())
    response = client.get(
        "/reports/quality/?date_from=2026-11-01&date_to=2026-11-30",
        headers={"accept-language": "zh-hans"},
    )
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert 'data-testid="quality-table"' in body
        assert "甲" in body and "25" in body
        csv = client.get("/reports/quality/?date_from=2026-11-01&format=csv")
        assert "甲" in csv.getvalue().decode("utf-8-sig")


def test_the_page_filters_by_ruling_day_and_says_so(client, world):
    """The quality page's dates are the rulings' decision days (the generic
    report filters speak of the cases' opening days): a case opened long
    before the period counts by its ruling; no grouping, no policy version."""
    a, _b = world
    opened_long_before = _ruling(a, day=DAY)
    Dispute.objects.filter(pk=opened_long_before.dispute_id).update(
        opened_at=_at(DAY - timedelta(days=200))
    )
    client.force_login(f.manager())

    response = client.get(
        "/reports/quality/?date_from=2026-11-24&date_to=2026-11-24",
        headers={"accept-language": "zh-hans"},
    )

    body = response.content.decode()
    assert "裁定日期自" in body and "裁定日期至" in body
    assert "发起日期自" not in body and "发起日期至" not in body
    assert 'name="group_by"' not in body and 'name="policy_version"' not in body
    form = response.context["form"]
    assert [str(form.fields[n].label) for n in ("date_from", "date_to")] == [
        "裁定日期自",
        "裁定日期至",
    ]
    rows = {row["name"]: row for row in response.context["result"]["rows"]}
    assert rows["甲"]["rulings"] == 5  # the four of the world and this one
    # The day before: none of them (all were ruled on the 24th).
    before = client.get("/reports/quality/?date_from=2026-11-23&date_to=2026-11-23")
    assert before.context["result"]["rows"] == []
