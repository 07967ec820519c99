"""The quality report: per agent, how often their rulings depart from the
precedents' majority, their QA score, their overturn rate, each with a 95 %
Wilson interval; and how often two reviewers of the same ruling agree.

Window: rulings decided in the period (China time); a ruling's appeal and
its reviews count with the ruling, whenever they happened.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from disputes.choices import Decision
from disputes.models import SCORECARD, Appeal, QualityReview, Ruling

from .analysis import wilson
from .measures import platform_tz
from .selectors.query import Query

QUALITY_DEFINITIONS = [
    (
        _("Period"),
        _(
            "A ruling counts in the period in which it was decided (China time); "
            "its appeal and its reviews count with it, whenever they happened."
        ),
    ),
    (
        _("Departure rate"),
        _(
            "Rulings made against a clear majority of the similar decided cases "
            "(at least 5, two thirds agreeing), with a written departure reason, "
            "divided by the agent's rulings."
        ),
    ),
    (
        _("QA score"),
        _(
            "Scorecard items met (facts checked, rule applied, reasoning clear, "
            "outcome consistent) divided by items scored, over the first reviews "
            "of the agent's rulings (blind second reviews are left out)."
        ),
    ),
    (
        _("Overturn rate"),
        _("Appeals that changed the agent's ruling divided by appeals of them."),
    ),
    (
        _("Reviewer agreement"),
        _(
            "For rulings reviewed twice (the second blind), scorecard items both "
            "reviewers answered alike divided by items both answered."
        ),
    ),
    (
        _("Likely range"),
        _(
            "Where the rate very likely lies (a 95 % Wilson interval): wide for a "
            "few cases, narrower as they add up. A dash means nothing to divide "
            "by yet."
        ),
    ),
]


def _bounds(query: Query) -> Q:
    tz = platform_tz()
    window = Q()
    if query.date_from:
        start = datetime.combine(query.date_from, time.min, tzinfo=tz)
        window &= Q(decided_at__gte=start)
    if query.date_to:
        end = datetime.combine(query.date_to + timedelta(days=1), time.min, tzinfo=tz)
        window &= Q(decided_at__lt=end)
    return window


def rulings_in(query: Query) -> QuerySet[Ruling]:
    """The rulings the report counts: decided in the window, filtered."""
    rulings = Ruling.objects.filter(_bounds(query))
    case = {
        "dispute__store_id": query.store,
        "dispute__store__category_id": query.category,
        "dispute__store__region": query.region,
        "dispute__reason": query.reason,
        "decided_by_id": query.agent,
    }
    filters: dict[str, object] = {k: v for k, v in case.items() if v is not None}
    if query.stores is not None:
        filters["dispute__store_id__in"] = query.stores
    return rulings.filter(**filters)


def _rate(part: int, whole: int) -> dict[str, float | int | None]:
    low, high = wilson(part, whole) if whole else (None, None)
    return {
        "part": part,
        "whole": whole,
        "rate": part / whole if whole else None,
        "low": low,
        "high": high,
    }


def quality_by_agent(query: Query) -> dict:
    """Rows per agent and a team row: departure rate, QA score, overturn rate."""
    rulings = rulings_in(query)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[int, str] = {}
    for agent, username, display, departed in rulings.values_list(
        "decided_by_id",
        "decided_by__username",
        "decided_by__display_name",
        "departure_reason",
    ):
        names[agent] = display or username
        counts[agent]["rulings"] += 1
        counts[agent]["departed"] += bool(departed)
    appeals = Appeal.objects.filter(
        dispute__ruling__in=rulings, decision__in=[Decision.UPHELD, Decision.OVERTURNED]
    ).values_list("dispute__ruling__decided_by_id", "decision")
    for agent, decision in appeals:
        counts[agent]["appeals"] += 1
        counts[agent]["overturned"] += decision == Decision.OVERTURNED
    reviews = QualityReview.objects.filter(
        ruling__in=rulings, blind_of__isnull=True, reviewed_at__isnull=False
    ).values_list("agent_id", *SCORECARD)
    for agent, *marks in reviews:
        counts[agent]["reviews"] += 1
        counts[agent]["items"] += sum(m is not None for m in marks)
        counts[agent]["met"] += sum(bool(m) for m in marks)
    rows = [_row(names[a], c) for a, c in counts.items() if a in names]
    rows.sort(key=lambda r: str(r["name"]))
    team: dict[str, int] = defaultdict(int)
    for c in counts.values():
        for key, value in c.items():
            team[key] += value
    return {
        "rows": rows,
        "totals": _row(str(_("Team")), team),
        "agreement": reviewer_agreement(rulings),
    }


def _row(name: str, c: dict[str, int]) -> dict:
    return {
        "name": name,
        "rulings": c["rulings"],
        "departure": _rate(c["departed"], c["rulings"]),
        "reviews": c["reviews"],
        "qa": _rate(c["met"], c["items"]),
        "appeals": c["appeals"],
        "overturn": _rate(c["overturned"], c["appeals"]),
    }


def reviewer_agreement(rulings: QuerySet[Ruling]) -> dict:
    """Items answered alike / items both answered, over finished blind pairs."""
    pairs = QualityReview.objects.filter(
        ruling__in=rulings,
        blind_of__isnull=False,
        reviewed_at__isnull=False,
        blind_of__reviewed_at__isnull=False,
    ).values_list(*SCORECARD, *(f"blind_of__{item}" for item in SCORECARD))
    alike = compared = count = 0
    for marks in pairs:
        count += 1
        second, first = marks[: len(SCORECARD)], marks[len(SCORECARD) :]
        both = [
            (a, b) for a, b in zip(second, first, strict=True) if None not in (a, b)
        ]
        compared += len(both)
        alike += sum(a == b for a, b in both)
    return {"pairs": count, **_rate(alike, compared)}


def default_window(today: date) -> tuple[date, date]:
    """The last twelve full weeks and this one, when the page names no dates."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=12), today
