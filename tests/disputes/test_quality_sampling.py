"""The weekly quality sample: at least 5 % per agent, every overturn, blind
seconds, idempotent per week; the scorecard and the contest rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.errors import ActionNotPermitted, InvalidTransition, ValidationFailed
from disputes.models import Appeal, QualityReview, Ruling
from disputes.rules_pure import reviewed_twice, sample_size
from disputes.services.quality import (
    review_contest,
    review_submit,
    sample_week,
    week_of,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

WEEK = date(2026, 11, 23)  # a Monday


@pytest.mark.parametrize(
    ("rulings", "drawn"),
    [(0, 0), (1, 1), (19, 1), (20, 1), (21, 2), (40, 2), (41, 3), (100, 5), (101, 6)],
)
def test_sample_size_is_at_least_five_percent(rulings, drawn):
    assert sample_size(rulings) == drawn
    assert drawn >= Decimal("0.05") * rulings


def test_week_of():
    assert week_of(date(2026, 11, 29)) == WEEK
    assert week_of(WEEK) == WEEK


def _rulings(agent, count, *, day=WEEK, rule=None):
    rule = rule or f.PlatformRuleFactory()
    made = []
    at = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(
        hours=10
    )
    for _ in range(count):
        case = f.DisputeFactory(state="ruled", ruled_at=at, outcome="buyer")
        made.append(
            Ruling.objects.create(
                dispute=case,
                outcome="buyer",
                liability="merchant",
                rule=rule,
                reasoning="x",
                decided_by=agent,
                decided_at=at,
            )
        )
    return made


def _overturn(ruling, supervisor, *, day=WEEK):
    at = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(
        days=2
    )
    Appeal.objects.create(
        dispute=ruling.dispute,
        appellant=ruling.dispute.buyer,
        party="buyer",
        reason="y",
        decision="overturned",
        outcome="merchant",
        liability="none",
        decided_by=supervisor,
        decided_at=at,
    )


def test_rate_per_agent_and_every_overturn_idempotent():
    busy, quiet, boss = f.agent(), f.agent(), f.supervisor()
    busy_rulings = _rulings(busy, 41)
    quiet_rulings = _rulings(quiet, 3)
    _rulings(busy, 10, day=WEEK + timedelta(days=7))  # next week: not drawn
    for ruling in busy_rulings[:4]:
        _overturn(ruling, boss)

    first = sample_week(WEEK + timedelta(days=3))  # any day of the week

    samples = QualityReview.objects.filter(why="sample")
    assert samples.filter(agent=busy).count() == 3  # ceil(5 % of 41)
    assert samples.filter(agent=quiet).count() == 1
    assert {r.ruling_id for r in samples.filter(agent=busy)} <= {
        r.pk for r in busy_rulings
    }
    overturned = QualityReview.objects.filter(why="overturned")
    assert sorted(r.ruling_id for r in overturned) == sorted(
        r.pk for r in busy_rulings[:4]
    )
    assert set(QualityReview.objects.values_list("week", flat=True)) == {WEEK}
    assert first.sampled == 4 and first.overturned == 4
    seconds = QualityReview.objects.filter(why="second")
    expected = [r for r in samples if reviewed_twice(WEEK.isoformat(), r.pk)]
    assert sorted(s.blind_of_id for s in seconds) == sorted(r.pk for r in expected)
    assert first.seconds == len(expected)
    assert {r.pk for r in quiet_rulings} >= set(
        samples.filter(agent=quiet).values_list("ruling_id", flat=True)
    )

    total = QualityReview.objects.count()
    again = sample_week(WEEK)
    assert (again.sampled, again.overturned, again.seconds) == (0, 0, 0)
    assert QualityReview.objects.count() == total


def test_the_command_samples_a_week(capsys):
    _rulings(f.agent(), 2)
    call_command("sample_quality_reviews", week=WEEK.isoformat())
    assert "sampled 1" in capsys.readouterr().out
    call_command("sample_quality_reviews", week=WEEK.isoformat())
    assert "sampled 0" in capsys.readouterr().out


def _review(agent=None):
    agent = agent or f.agent()
    (ruling,) = _rulings(agent, 1)
    return QualityReview.objects.create(
        ruling=ruling, agent=agent, week=WEEK, why="sample"
    )


SCORES = {
    "facts_checked": True,
    "rule_applied": True,
    "reasoning_clear": False,
    "outcome_consistent": True,
}


def test_scorecard_by_a_supervisor_once():
    review = _review()
    with pytest.raises(ActionNotPermitted):
        review_submit(review=review, actor=f.agent(), **SCORES)
    done = review_submit(review=review, actor=f.supervisor(), comment=" ok ", **SCORES)
    assert done.score == (3, 4)
    assert done.comment == "ok"
    with pytest.raises(InvalidTransition):
        review_submit(review=done, actor=f.supervisor(), **SCORES)


def test_blind_pair_needs_two_supervisors():
    first = _review()
    second = QualityReview.objects.create(
        ruling=first.ruling, agent=first.agent, week=WEEK, why="second", blind_of=first
    )
    boss = f.supervisor()
    review_submit(review=first, actor=boss, **SCORES)
    with pytest.raises(ActionNotPermitted):
        review_submit(review=second, actor=boss, **SCORES)
    review_submit(review=second, actor=f.supervisor(), **SCORES)


def test_the_agent_contests_a_finished_review_once():
    agent = f.agent()
    review = _review(agent)
    with pytest.raises(InvalidTransition):
        review_contest(review=review, actor=agent, reason="不同意")
    review_submit(review=review, actor=f.supervisor(), **SCORES)
    with pytest.raises(ActionNotPermitted):
        review_contest(review=review, actor=f.agent(), reason="不同意")
    with pytest.raises(ValidationFailed):
        review_contest(review=review, actor=agent, reason="  ")
    done = review_contest(review=review, actor=agent, reason="理由写得清楚")
    assert done.contest_reason == "理由写得清楚" and done.contested_at
    with pytest.raises(ValidationFailed):
        review_contest(review=done, actor=agent, reason="再次")


# ---- the workbench queue ---------------------------------------------------


def test_supervisor_scores_from_the_queue(client):
    review = _review()
    boss = f.supervisor()
    client.force_login(boss)
    listing = client.get("/admin/disputes/qualityreview/?status=waiting")
    assert review.ruling.dispute.number in listing.content.decode()
    url = f"/admin/disputes/qualityreview/{review.pk}/change/"
    page = client.get(url).content.decode()
    assert 'data-testid="scorecard"' in page
    assert "checked>" not in page  # no answer preselected
    answer = {
        "facts_checked": "yes",
        "rule_applied": "yes",
        "reasoning_clear": "no",
        "outcome_consistent": "yes",
        "comment": "理由可以更具体",
    }
    assert client.post(url, answer).status_code == 302
    review.refresh_from_db()
    assert review.reviewer == boss and review.score == (3, 4)


def test_agent_sees_own_finished_reviews_and_contests(client):
    agent = f.agent()
    mine, theirs = _review(agent), _review()
    waiting = _review(agent)
    for review in (mine, theirs):
        review_submit(review=review, actor=f.supervisor(), **SCORES)
    client.force_login(agent)
    listing = client.get("/admin/disputes/qualityreview/").content.decode()
    assert mine.ruling.dispute.number in listing
    assert theirs.ruling.dispute.number not in listing
    assert waiting.ruling.dispute.number not in listing
    other = f"/admin/disputes/qualityreview/{theirs.pk}/change/"
    assert client.get(other).status_code == 404
    url = f"/admin/disputes/qualityreview/{mine.pk}/change/"
    page = client.get(url).content.decode()
    assert 'data-testid="contest"' in page
    assert client.post(url, {"contest_reason": "已核实事实"}).status_code == 302
    mine.refresh_from_db()
    assert mine.contest_reason == "已核实事实"


def test_buyers_never_see_the_queue(client):
    client.force_login(f.buyer())
    response = client.get("/admin/disputes/qualityreview/")
    assert response.status_code in (302, 403, 404)
