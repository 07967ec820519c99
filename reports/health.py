"""Store health (店铺体验分): the daily score, its figures and the proposals.

Once a day (T+1) `health_recompute` reads the report rollups of the window
that ended yesterday (China time), takes away what excluded cases added
(an upheld counting contest), and for every store computes the figures of
the governance rule in force:

    figure value   = numerator / denominator          (None when 0 / 0)
    percentile     = share of the category's scored stores (itself included)
                     whose value is no better than the store's
    points         = 100 when the value is no worse than the rule's
                     `acceptable`, else 100 × percentile
    score          = Σ weight × points / Σ weight, to one decimal place

A store is scored from `min_orders` orders in its last `window_days` days;
below that the window widens to `wide_window_days`, and below the floor
there too it has no score (样本不足). A figure with no denominator (no case
yet) counts as the best value. The score is then compared with the tier
thresholds, and the system proposes a tier change (`stores.governance`).

The pure part (`score_stores`) takes plain numbers, so tests recompute it
from raw cases; the rest reads and writes.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from stores.governance import (
    FIGURE_BY_NAME,
    action_propose,
    rule_in_force,
    tier_proposal,
)
from stores.models import ActionState, GovernanceAction, GovernanceRule, Store

from .measures import MEASURES, local_day
from .models import CaseContest, CaseContribution, StoreHealth
from .selectors.query import Query
from .selectors.sums import grouped_sums

# The rollup column of refused returns the platform overturned (a case whose
# merchant refused the returned goods and the platform then decided for the
# buyer: reports.measures.refused_return_overturned).
REFUSE_RETURN_COLUMN = "refuse_return_overturned"

# figure name -> (numerator column, denominator column)
FIGURE_PARTS: dict[str, tuple[str, str]] = {
    "dispute_rate": ("cases", "orders"),
    "merchant_liability_rate": ("merchant_liable", "orders"),
    "intervention_rate": ("interventions", "cases"),
    "response_in_time_rate": ("response_in_time", "cases"),
    "refuse_return_overturned_rate": (REFUSE_RETURN_COLUMN, "cases"),
}
COLUMNS = tuple(
    dict.fromkeys(c for parts in FIGURE_PARTS.values() for c in parts if c in MEASURES)
)
SAMPLE_TOO_SMALL = "样本不足"


@dataclass
class StoreSample:
    """One store's counts over its window."""

    store_id: int
    category_id: int
    window_days: int
    counts: dict[str, int]
    excluded: int = 0

    @property
    def orders(self) -> int:
        return self.counts.get("orders", 0)


@dataclass
class Scored:
    store_id: int
    category_id: int
    window_days: int
    orders: int
    cases: int
    excluded: int
    score: Decimal | None
    figures: list[dict[str, Any]] = field(default_factory=list)


def _value(num: int, den: int) -> Fraction | None:
    return Fraction(num, den) if den else None


def _rank_value(value: Fraction | None, better: str) -> Fraction:
    """The value used for comparing stores: no denominator counts as best."""
    if value is not None:
        return value
    return Fraction(0) if better == "lower" else Fraction(1)


def _no_better(other: Fraction, mine: Fraction, better: str) -> bool:
    return other >= mine if better == "lower" else other <= mine


def _acceptable(value: Fraction, spec: Mapping[str, Any]) -> bool:
    bound = Fraction(str(spec.get("acceptable", 0)))
    return value <= bound if spec["better"] == "lower" else value >= bound


def _round(value: Fraction | float, places: int = 4) -> float:
    quantum = Decimal(1).scaleb(-places)
    return float(
        (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
            quantum, rounding=ROUND_HALF_UP
        )
        if isinstance(value, Fraction)
        else Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    )


def score_one(
    counts: Mapping[str, int],
    peers: Mapping[str, list[Fraction]] | None,
    rule_figures: list[dict[str, Any]],
) -> tuple[Decimal | None, list[dict[str, Any]]]:
    """A store's score and figures from its counts and its category's scored
    stores' values per figure (`peers`; None: no score, figures only)."""
    out, total, weights = [], Fraction(0), 0
    for spec in rule_figures:
        name = spec["name"]
        num_col, den_col = FIGURE_PARTS[name]
        num, den = counts.get(num_col, 0), counts.get(den_col, 0)
        value = _value(num, den)
        figure: dict[str, Any] = {
            "name": name,
            "value": None if value is None else _round(value),
            "numerator": num,
            "denominator": den,
            "weight": spec["weight"],
            "category_median": None,
            "percentile": None,
            "points": None,
        }
        if peers is not None:
            mine = _rank_value(value, spec["better"])
            values = peers.get(name) or [mine]
            no_better = sum(1 for v in values if _no_better(v, mine, spec["better"]))
            percentile = Fraction(no_better, len(values))
            points = 100 if _acceptable(mine, spec) else 100 * percentile
            figure["category_median"] = _round(Fraction(statistics.median(values)))
            figure["percentile"] = _round(percentile)
            figure["points"] = _round(Fraction(points), 2)
            total += spec["weight"] * Fraction(points)
            weights += spec["weight"]
        out.append(figure)
    if peers is None or not weights:
        return None, out
    score = total / weights
    return Decimal(_round(score, 1)).quantize(Decimal("0.1")), out


def peer_values(
    samples: Iterable[StoreSample], rule: GovernanceRule
) -> dict[int, dict[str, list[Fraction]]]:
    """category id -> figure name -> the values of its scored stores."""
    out: dict[int, dict[str, list[Fraction]]] = defaultdict(lambda: defaultdict(list))
    for sample in samples:
        if sample.orders < rule.min_orders:
            continue
        for spec in rule.figures:
            num_col, den_col = FIGURE_PARTS[spec["name"]]
            value = _value(sample.counts.get(num_col, 0), sample.counts.get(den_col, 0))
            out[sample.category_id][spec["name"]].append(
                _rank_value(value, spec["better"])
            )
    return out


def score_stores(samples: list[StoreSample], rule: GovernanceRule) -> list[Scored]:
    """Every store's score against its category (pure)."""
    peers = peer_values(samples, rule)
    scored = []
    for sample in samples:
        eligible = sample.orders >= rule.min_orders
        score, figures = score_one(
            sample.counts,
            peers.get(sample.category_id) if eligible else None,
            rule.figures,
        )
        scored.append(
            Scored(
                store_id=sample.store_id,
                category_id=sample.category_id,
                window_days=sample.window_days,
                orders=sample.orders,
                cases=sample.counts.get("cases", 0),
                excluded=sample.excluded,
                score=score,
                figures=figures,
            )
        )
    return scored


# Reading the rollups.


def windows(day: date, rule: GovernanceRule) -> dict[int, tuple[date, date]]:
    """The short and the wide window ending on `day` (both days included)."""
    return {
        days: (day - timedelta(days=days - 1), day)
        for days in (rule.window_days, rule.wide_window_days)
    }


def _excluded(
    first: date, last: date, stores: set[int] | None
) -> list[CaseContribution]:
    """What the cases excluded by an upheld contest add, in the window."""
    qs = CaseContribution.objects.filter(
        day__range=(first, last),
        dispute_id__in=CaseContest.objects.filter(state="upheld").values("dispute_id"),
    )
    if stores is not None:
        qs = qs.filter(store_id__in=stores)
    return list(qs)


def store_samples(
    day: date, rule: GovernanceRule, *, stores: set[int] | None = None
) -> list[StoreSample]:
    """Every store's counts over its window ending on `day`: the short window
    when it holds `min_orders` orders, else the wide one. Three queries."""
    spans = windows(day, rule)
    sums: dict[int, dict[int, dict[str, int]]] = {}
    for days, (first, last) in spans.items():
        query = Query(
            group_by="store",
            date_from=first,
            date_to=last,
            stores=None if stores is None else frozenset(stores),
        )
        rows = grouped_sums(query, "store", names=COLUMNS, subtract=False)
        sums[days] = {key[0]: dict(value) for key, value in rows.items()}
    excluded_by: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    wide_first = spans[rule.wide_window_days][0]
    for row in _excluded(wide_first, day, stores):
        for days, (first, _last) in spans.items():
            if row.day < first:
                continue
            counts = sums[days].setdefault(row.store_id, {})
            for name in COLUMNS:
                counts[name] = counts.get(name, 0) - row.measures.get(name, 0)
            excluded_by[days][row.store_id] += 1
    store_rows = Store.objects.values_list("id", "category_id")
    if stores is not None:
        store_rows = store_rows.filter(id__in=stores)
    out = []
    for store_id, category_id in store_rows:
        days = rule.window_days
        counts = sums[days].get(store_id, {})
        if counts.get("orders", 0) < rule.min_orders:
            days = rule.wide_window_days
            counts = sums[days].get(store_id, {})
        out.append(
            StoreSample(
                store_id=store_id,
                category_id=category_id,
                window_days=days,
                counts={name: counts.get(name, 0) for name in (*COLUMNS, "orders")},
                excluded=excluded_by[days].get(store_id, 0),
            )
        )
    return out


def health_day(now=None) -> date:
    """The last day the daily score covers: yesterday in China time (T+1)."""
    return local_day(now or timezone.now()) - timedelta(days=1)


@transaction.atomic
def health_recompute(*, day: date | None = None, propose: bool = True) -> int:
    """Score every store for the window ending on `day` (yesterday by
    default), keep it in the history, and propose tier changes. Safe to run
    twice (one row per store and day). Returns how many stores were scored."""
    day = day or health_day()
    now = timezone.now()
    rule = rule_in_force(now)
    scored = score_stores(store_samples(day, rule), rule)
    rows = [
        StoreHealth(
            store_id=s.store_id,
            day=day,
            rule=rule,
            category_id=s.category_id,
            score=s.score,
            window_days=s.window_days,
            orders=s.orders,
            cases=s.cases,
            excluded=s.excluded,
            figures=s.figures,
            computed_at=now,
        )
        for s in scored
    ]
    StoreHealth.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["store", "day"],
        update_fields=[
            "rule",
            "category_id",
            "score",
            "window_days",
            "orders",
            "cases",
            "excluded",
            "figures",
            "computed_at",
        ],
    )
    if propose:
        propose_tiers(scored, rule, day)
    return sum(1 for s in scored if s.score is not None)


def facts_of(s: Scored | StoreHealth, day: date) -> dict[str, Any]:
    """The snapshot a proposal (and its notice) carries."""
    return {
        "day": day.isoformat(),
        "score": None if s.score is None else str(s.score),
        "window_days": s.window_days,
        "orders": s.orders,
        "cases": s.cases,
        "excluded": s.excluded,
        "figures": s.figures,
    }


def propose_tiers(scored: list[Scored], rule: GovernanceRule, day: date) -> int:
    """Propose the tier each scored store's score points to (one query for
    the stores, one for the open proposals, one write per proposal)."""
    tiers = dict(Store.objects.exclude(status="pending").values_list("id", "tier"))
    open_ = dict(
        GovernanceAction.objects.filter(state=ActionState.PROPOSED).values_list(
            "store_id", "to_tier"
        )
    )
    made = 0
    for s in scored:
        if s.store_id not in tiers:
            continue
        score = None if s.score is None else float(s.score)
        target = tier_proposal(tiers[s.store_id], score, rule.thresholds)
        if target is None or open_.get(s.store_id) == target:
            continue
        action_propose(
            store=Store(pk=s.store_id),
            to_tier=target,
            rule=rule,
            score=s.score,
            facts=facts_of(s, day),
        )
        made += 1
    return made


# Reading the history.


def latest_health(store_ids: Iterable[int]) -> dict[int, StoreHealth]:
    """Each store's latest score row (one query)."""
    ids = list(store_ids)
    if not ids:
        return {}
    latest = (
        StoreHealth.objects.filter(store_id=OuterRef("store_id"))
        .order_by("-day")
        .values("day")[:1]
    )
    rows = StoreHealth.objects.filter(
        store_id__in=ids, day=Subquery(latest)
    ).select_related("rule")
    return {row.store_id: row for row in rows}


def what_if_ruled_against(dispute) -> dict[str, Any] | None:
    """What a case would do to its store's figures and score if ruled with
    the merchant liable: the latest scored window with this case counted as
    a case (if it is not yet), an intervention and a merchant-liable ruling,
    against the same category distribution. None before the first score."""
    health = latest_health([dispute.store_id]).get(dispute.store_id)
    if health is None:
        return None
    counts: dict[str, int] = {}
    for figure in health.figures:
        num_col, den_col = FIGURE_PARTS[figure["name"]]
        counts[num_col] = figure["numerator"]
        counts[den_col] = figure["denominator"]
    after = dict(counts)
    first = health.day - timedelta(days=health.window_days - 1)
    in_window = first <= local_day(dispute.opened_at) <= health.day
    if not in_window:
        after["cases"] = after.get("cases", 0) + 1
    if dispute.intervened_at is None or not in_window:
        after["interventions"] = after.get("interventions", 0) + 1
    already_liable = (
        in_window and dispute.ruled_at is not None and dispute.liability == "merchant"
    )
    if not already_liable:
        after["merchant_liable"] = after.get("merchant_liable", 0) + 1
    rule = health.rule
    peers = None
    if health.score is not None:
        peers = category_peers(health.category_id, health.day, rule)
    if peers is not None:
        peers = _replace_own(peers, counts, after, rule)
    after_score, after_figures = score_one(after, peers, rule.figures)
    return {
        "day": health.day,
        "window_days": health.window_days,
        "score_before": health.score,
        "score_after": after_score if health.score is not None else None,
        "figures": [
            {
                "name": b["name"],
                "label": FIGURE_BY_NAME[b["name"]].label,
                "before": b,
                "after": a,
            }
            for b, a in zip(health.figures, after_figures, strict=True)
        ],
    }


def category_peers(
    category_id: int, day: date, rule: GovernanceRule
) -> dict[str, list[Fraction]]:
    """The scored stores' figure values of a category on a day (one query)."""
    rows = StoreHealth.objects.filter(
        category_id=category_id, day=day, score__isnull=False
    ).values_list("figures", flat=True)
    better = {spec["name"]: spec["better"] for spec in rule.figures}
    out: dict[str, list[Fraction]] = defaultdict(list)
    for figures in rows:
        for figure in figures:
            value = (
                Fraction(figure["numerator"], figure["denominator"])
                if figure["denominator"]
                else None
            )
            out[figure["name"]].append(_rank_value(value, better[figure["name"]]))
    return out


def _replace_own(
    peers: dict[str, list[Fraction]],
    before: Mapping[str, int],
    after: Mapping[str, int],
    rule: GovernanceRule,
) -> dict[str, list[Fraction]]:
    """The category's values with the store's own value moved to `after`."""
    out = {}
    for spec in rule.figures:
        name, better = spec["name"], spec["better"]
        num_col, den_col = FIGURE_PARTS[name]
        old = _rank_value(
            _value(before.get(num_col, 0), before.get(den_col, 0)), better
        )
        new = _rank_value(_value(after.get(num_col, 0), after.get(den_col, 0)), better)
        values = list(peers.get(name, []))
        if old in values:
            values.remove(old)
        out[name] = [*values, new]
    return out


# What the pages and the API show.


def figure_rows(health: StoreHealth) -> list[dict[str, Any]]:
    """The figures with their labels and what they count, in rule order."""
    rows = []
    for figure in health.figures:
        definition = FIGURE_BY_NAME.get(figure["name"])
        rows.append(
            {
                **figure,
                "label": definition.label if definition else figure["name"],
                "numerator_label": definition.numerator if definition else "",
                "denominator_label": definition.denominator if definition else "",
                "measured": FIGURE_PARTS[figure["name"]][0] in MEASURES,
            }
        )
    return rows


def health_payload(store: Store, health: StoreHealth | None) -> dict[str, Any]:
    """The API's shape (DESIGN.md: GET /api/v1/stores/{id}/health/)."""
    if health is None:
        return {
            "store": store.pk,
            "score": None,
            "tier": store.tier,
            "window_days": None,
            "orders": 0,
            "figures": [],
            "computed_at": None,
        }
    return {
        "store": store.pk,
        "score": None if health.score is None else str(health.score),
        "tier": store.tier,
        "window_days": health.window_days,
        "orders": health.orders,
        "figures": [
            {
                key: figure.get(key)
                for key in (
                    "name",
                    "value",
                    "numerator",
                    "denominator",
                    "weight",
                    "category_median",
                    "percentile",
                )
            }
            for figure in health.figures
        ],
        "computed_at": timezone.localtime(health.computed_at).isoformat(),
    }


MOVED_COLUMNS = (
    *("number", "state", "store_id", "opened_at", "intervened_at", "ruled_at"),
    *("liability", "merchant_responded_at", "merchant_deadline_at"),
)


def cases_that_moved(health: StoreHealth, *, limit: int = 100) -> list[Any]:
    """The store's cases of the scored window that count against it: the
    platform stepped in, the merchant was liable, or the first answer was
    late or missing; with their contest (one query)."""
    from django.db.models import F, Q

    from disputes.models import Dispute

    tz = local_tz()
    first = health.day - timedelta(days=health.window_days - 1)
    start = datetime.combine(first, time.min, tz)
    end = datetime.combine(health.day + timedelta(days=1), time.min, tz)
    late = Q(merchant_responded_at__isnull=True) | Q(
        merchant_responded_at__gt=F("merchant_deadline_at")
    )
    cases = list(
        Dispute.objects.filter(
            store_id=health.store_id, opened_at__gte=start, opened_at__lt=end
        )
        .filter(
            Q(intervened_at__isnull=False)
            | Q(ruled_at__isnull=False, liability="merchant")
            | late
        )
        .select_related("health_contest")
        # What the row shows and `counts_as` reads: a whole case row is
        # about 60 columns, and building 100 of them was most of the page.
        .only(*MOVED_COLUMNS, "health_contest")
        .order_by("-opened_at")[:limit]
    )
    for case in cases:
        case.counts_as = counts_as(case)
    return cases


def counts_as(case: Any) -> list[str]:
    """Why a case counts against its store, in words (the filter above)."""
    why = []
    if case.intervened_at:
        why.append(_("platform stepped in"))
    if case.ruled_at and case.liability == "merchant":
        why.append(_("merchant liable"))
    responded, due = case.merchant_responded_at, case.merchant_deadline_at
    if not responded or (due and responded > due):
        why.append(_("first answer late or missing"))
    return why


def local_tz():
    from .measures import platform_tz

    return platform_tz()
