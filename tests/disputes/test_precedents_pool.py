"""Precedents' candidate pools on PostgreSQL: beyond the most recent cases
of the same reason and category, the text pool brings in the best text
matches of a bounded window of them (`disputes.precedents.POOL_SQL`).

The pools are shrunk here (POOL, WINDOW, TEXT_POOL are the module's
settings) so that a handful of cases shows what a million would."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from disputes import precedents
from disputes.models import Appeal, Dispute
from disputes.precedents import precedents_for
from tests import factories as f
from tests.disputes.test_precedents import at_hand, decided, world  # noqa: F401

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the text pool is PostgreSQL's (pg_trgm); SQLite reads recent pools",
)

# (WINDOW, TEXT_POOL, the older case with the same description is shown)
TEXT_POOL_TABLE = [
    (10, 1, True),  # in the window: found by its text, and ranked first
    (10, 0, False),  # text pool off: only the POOL most recent are read
    (3, 1, False),  # older than the window's three cases: not read
]


@postgres_only
@pytest.mark.parametrize(("window", "text_pool", "shown"), TEXT_POOL_TABLE)
def test_the_text_pool_finds_an_older_same_description(
    monkeypatch,
    world,  # noqa: F811
    window,
    text_pool,
    shown,
):
    monkeypatch.setattr(precedents, "POOL", 2)
    monkeypatch.setattr(precedents, "WINDOW", window)
    monkeypatch.setattr(precedents, "TEXT_POOL", text_pool)
    newer = [
        decided(world, description=text, days_ago=days)
        for days, text in [
            (1, "快递一直没有更新"),
            (2, "颜色和图片不一样"),
            (3, "尺码偏小"),
        ]
    ]
    same_text = decided(world, description="衣服有破洞", days_ago=10)
    case = at_hand(world)  # "衣服有破洞"

    numbers = [p.number for p in precedents_for(case).precedents]

    assert (same_text.number in numbers) is shown
    if shown:
        # Alike on every count and in its text: closest of all.
        assert numbers == [same_text.number, newer[0].number, newer[1].number]
    else:
        assert numbers == [newer[0].number, newer[1].number]


def test_other_categories_and_reasons_fill_in_when_the_category_has_few(
    monkeypatch,
    world,  # noqa: F811
):
    monkeypatch.setattr(precedents, "POOL", 2)
    same = decided(world, days_ago=5)
    other_category = [decided(world, category="food", days_ago=d) for d in (1, 2, 3)]
    other_reason = decided(world, reason="damaged", days_ago=1)
    case = at_hand(world)

    numbers = [p.number for p in precedents_for(case).precedents]

    # The category's one case, then the POOL most recent of the reason
    # elsewhere, then (fewer than LIMIT of the reason) the other reasons.
    assert numbers == [
        same.number,
        other_category[0].number,
        other_category[1].number,
        other_reason.number,
    ]


def test_an_overturned_precedent_shows_the_appeal_and_its_rule(world):  # noqa: F811
    overturned = decided(world, outcome="merchant", days_ago=2)
    later_rule = f.PlatformRuleFactory(code="quality-v2", title="质量问题（新）")
    Appeal.objects.create(
        dispute=overturned,
        appellant=overturned.buyer,
        party="buyer",
        reason="不服",
        decision="overturned",
        decided_at=timezone.now(),
        rule=later_rule,
    )
    Dispute.objects.filter(pk=overturned.pk).update(outcome="buyer")
    upheld = decided(world, days_ago=3)
    case = at_hand(world)

    shown = {p.number: p for p in precedents_for(case).precedents}

    assert (shown[overturned.number].overturned, shown[overturned.number].rule) == (
        True,
        "quality-v2",
    )
    assert shown[overturned.number].outcome == "buyer"  # the final outcome
    assert (shown[upheld.number].overturned, shown[upheld.number].rule) == (
        False,
        world["rule"].code,
    )
