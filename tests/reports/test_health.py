"""Store health: exact score arithmetic on hand-built stores, the 30-order
floor and the 90-day widening, exclusions, proposals, and a hypothesis test
that the score equals a recomputation from the raw cases."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from orders.models import Order
from reports import rollups
from reports.contests import contest_decide, contest_file
from reports.health import (
    SAMPLE_TOO_SMALL,
    health_day,
    health_recompute,
    what_if_ruled_against,
)
from reports.models import StoreHealth
from stores.governance import rule_in_force
from stores.models import ActionState, GovernanceAction
from tests import factories as f

pytestmark = pytest.mark.django_db
_seq = iter(range(10**6))


def orders(store, n, days_ago=3):
    """`n` orders of the store placed `days_ago` days ago (bulk: no signals)."""
    at = timezone.now() - timedelta(days=days_ago)
    buyer = f.buyer()
    rows = Order.objects.bulk_create(
        Order(
            number=f"H{next(_seq):09d}", buyer=buyer, store=store,
            total=Decimal("50.00"), status="delivered", placed_at=at,
        )
        for _ in range(n)
    )  # fmt: skip
    return rows


def case(order, **fields):
    opened = timezone.now() - timedelta(days=3)
    fields.setdefault("opened_at", opened)
    return f.DisputeFactory(order=order, **fields)


def answered(**kw):
    at = timezone.now() - timedelta(days=3)
    return {"merchant_responded_at": at + timedelta(hours=1),
            "merchant_deadline_at": at + timedelta(hours=48), **kw}  # fmt: skip


def liable(**kw):
    at = timezone.now() - timedelta(days=3)
    return {"intervened_at": at + timedelta(hours=2),
            "ruled_at": at + timedelta(hours=5),
            "outcome": "buyer", "liability": "merchant", **kw}  # fmt: skip


@pytest.fixture
def world():
    cat = f.CategoryFactory()
    s1, s2, s3, s4, s5 = (f.StoreFactory(category=cat) for _ in range(5))
    orders(s1, 40)
    o2 = orders(s2, 40)
    # S2: 4 cases: 2 answered in time, 2 intervened, 1 ruled merchant-liable.
    case(o2[0], **answered())
    case(o2[1], **answered(intervened_at=timezone.now() - timedelta(days=2)))
    c_liable = case(o2[2], **liable())
    case(o2[3])
    o3 = orders(s3, 50)
    case(o3[0], **answered())
    orders(s4, 10)
    orders(s4, 25, days_ago=60)  # only the 90-day window reaches 30 orders
    orders(s5, 5)
    rollups.rebuild()
    return {"stores": (s1, s2, s3, s4, s5), "liable": c_liable}


def latest(store):
    return StoreHealth.objects.filter(store=store).latest("day")


def test_exact_scores_floor_and_widening(world):
    s1, s2, s3, s4, s5 = world["stores"]
    assert health_recompute() == 4
    h2 = latest(s2)
    assert h2.day == health_day()
    assert (h2.window_days, h2.orders, h2.cases) == (30, 40, 4)
    by_name = {fig["name"]: fig for fig in h2.figures}
    assert by_name["dispute_rate"] == {
        "name": "dispute_rate", "value": 0.1, "numerator": 4, "denominator": 40,
        "weight": 25, "category_median": 0.01, "percentile": 0.25, "points": 25.0,
    }  # fmt: skip
    assert by_name["merchant_liability_rate"]["value"] == 0.025
    assert by_name["intervention_rate"]["value"] == 0.5
    assert by_name["response_in_time_rate"]["value"] == 0.5
    assert by_name["refuse_return_overturned_rate"]["points"] == 100.0
    # (25×25 + 30×25 + 20×25 + 15×25 + 10×100) / 100
    assert h2.score == Decimal("32.5")
    assert latest(s1).score == Decimal("100.0")
    assert latest(s3).score == Decimal("100.0")  # 1/50 = 2 %: acceptable
    h4 = latest(s4)
    assert (h4.window_days, h4.orders, h4.score) == (90, 35, Decimal("100.0"))
    h5 = latest(s5)
    assert (h5.window_days, h5.orders, h5.score) == (90, 5, None)
    assert SAMPLE_TOO_SMALL == "样本不足"
    # The system proposes suspending S2 (32.5 < 40), nothing for the others.
    proposal = GovernanceAction.objects.get(state=ActionState.PROPOSED)
    assert (proposal.store_id, proposal.to_tier) == (s2.pk, "suspended")
    assert proposal.facts["score"] == "32.5"
    # Safe to run twice: one row per store and day, one proposal.
    health_recompute()
    assert StoreHealth.objects.filter(store=s2).count() == 1
    assert GovernanceAction.objects.count() == 1


def test_an_upheld_contest_leaves_every_figure(world):
    s2 = world["stores"][1]
    contest = contest_file(
        dispute=world["liable"], actor=s2.owner, grounds="carrier_outage",
        reason="顺丰停运", evidence="停运公告编号 123",
    )  # fmt: skip
    contest_decide(contest=contest, actor=f.supervisor(), uphold=True, reason="属实")
    health_recompute()
    h2 = latest(s2)
    by_name = {fig["name"]: fig for fig in h2.figures}
    assert (h2.cases, h2.excluded) == (3, 1)
    assert by_name["merchant_liability_rate"]["numerator"] == 0
    assert by_name["intervention_rate"]["numerator"] == 1
    assert by_name["dispute_rate"]["numerator"] == 3
    assert by_name["response_in_time_rate"]["numerator"] == 2


def test_what_if_ruled_against(world):
    s2 = world["stores"][1]
    health_recompute()
    pending = s2.disputes.get(
        merchant_responded_at__isnull=True, intervened_at__isnull=True
    )
    what = what_if_ruled_against(pending)
    figs = {row["name"]: row for row in what["figures"]}
    assert figs["merchant_liability_rate"]["after"]["numerator"] == 2
    assert figs["intervention_rate"]["after"]["numerator"] == 3
    assert figs["dispute_rate"]["after"]["numerator"] == 4  # already counted
    assert what["score_before"] == Decimal("32.5")
    assert what["score_after"] == Decimal("32.5")  # already the worst


def _raw_score(stores, rule):
    """The score recomputed from the raw orders and cases (no rollups)."""
    since = health_day() - timedelta(days=rule.window_days - 1)
    values = {}
    for store in stores:
        day = timezone.localdate
        o = [x for x in store.orders.all() if day(x.placed_at) >= since]
        c = [x for x in store.disputes.all() if day(x.opened_at) >= since]
        n, k = len(o), len(c)
        liable_ = sum(1 for x in c if x.ruled_at and x.liability == "merchant")
        inter = sum(1 for x in c if x.intervened_at)
        values[store.pk] = (n, {
            "dispute_rate": Fraction(k, n) if n else Fraction(0),
            "merchant_liability_rate": Fraction(liable_, n) if n else Fraction(0),
            "intervention_rate": Fraction(inter, k) if k else Fraction(0),
            "response_in_time_rate": Fraction(1) if not k else Fraction(0),
            "refuse_return_overturned_rate": Fraction(0),
        })  # fmt: skip
    eligible = {pk: v for pk, (n, v) in values.items() if n >= rule.min_orders}
    out = {}
    for pk, figs in eligible.items():
        total = Fraction(0)
        for spec in rule.figures:
            mine = figs[spec["name"]]
            low = spec["better"] == "lower"
            peers = [v[spec["name"]] for v in eligible.values()]
            worse = sum(1 for p in peers if (p >= mine if low else p <= mine))
            ok = (
                mine <= Fraction(str(spec["acceptable"]))
                if low
                else (mine >= Fraction(str(spec["acceptable"])))
            )
            total += spec["weight"] * (100 if ok else Fraction(100 * worse, len(peers)))
        score = total / sum(s["weight"] for s in rule.figures)
        exact = Decimal(score.numerator) / Decimal(score.denominator)
        out[pk] = float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return out


@settings(
    max_examples=8, deadline=None, phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(
    st.lists(
        st.tuples(st.integers(25, 45), st.integers(0, 6), st.integers(0, 6),
                  st.integers(0, 6)),
        min_size=2, max_size=4,
    )
)  # fmt: skip
def test_score_equals_a_recomputation_from_raw_cases(django_db_blocker, shape):
    cat = f.CategoryFactory(code=f"h{next(_seq)}", name="测试")
    stores = []
    for n_orders, n_cases, n_intervened, n_liable in shape:
        store = f.StoreFactory(category=cat)
        rows = orders(store, n_orders)
        for i in range(min(n_cases, n_orders)):
            fields = {"merchant_deadline_at": None}
            if i < n_intervened:
                fields["intervened_at"] = timezone.now() - timedelta(days=2)
            if i < n_liable:
                fields |= liable()
            case(rows[i], **fields)
        stores.append(store)
    rollups.rebuild()
    health_recompute(propose=False)
    expected = _raw_score(stores, rule_in_force())
    got = {
        s.pk: float(latest(s).score) if latest(s).score is not None else None
        for s in stores
    }
    assert {pk: v for pk, v in got.items() if v is not None} == expected
