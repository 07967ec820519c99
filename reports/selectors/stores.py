"""A store's figures for the other apps' pages, from the rollups: whether it
is a repeat offender, its recent history on the agents' case page, a
merchant's answers, and its figures by window on the workbench's store page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy

from disputes.choices import Resolution

from ..measures import RESOLUTION_COLUMNS, case_measures, local_day
from .figures import HISTOGRAMS, figures, histogram, percentile, ratio
from .periods import last_days
from .query import Query
from .sums import _sums, add_sums, grouped_sums

if TYPE_CHECKING:
    from disputes.models import Dispute

# A repeat offender (屡次违规): a store with at least REPEAT_OFFENDER_RULINGS
# cases opened in the last REPEAT_OFFENDER_DAYS days (China time, today
# included) that were ruled the merchant's fault, counting a ruling changed
# on appeal as its new outcome. The workbench's flag and the outliers page
# both ask `repeat_offender`.
REPEAT_OFFENDER_DAYS = 90
REPEAT_OFFENDER_RULINGS = 3
REPEAT_OFFENDER_RULE = gettext_lazy(
    "At least %(rulings)s cases opened in the last %(days)s days ruled the "
    "merchant's fault"
)


def repeat_offender(merchant_liable: int) -> bool:
    """Whether a store whose cases opened in the last REPEAT_OFFENDER_DAYS
    days hold `merchant_liable` merchant-at-fault rulings is a repeat offender."""
    return merchant_liable >= REPEAT_OFFENDER_RULINGS


def repeat_offender_rule() -> str:
    """The definition in the reader's language (the threshold and window)."""
    return str(REPEAT_OFFENDER_RULE) % {
        "rulings": REPEAT_OFFENDER_RULINGS,
        "days": REPEAT_OFFENDER_DAYS,
    }


def repeat_offenders(query: Query | None = None) -> dict[int, int]:
    """The repeat offenders among the stores `query` keeps (its store,
    category, region and `stores`; its dates, reason and agent are not
    used): store id -> merchant-at-fault rulings in the window. One query."""
    since, today = last_days(REPEAT_OFFENDER_DAYS)
    scope = replace(
        query or Query(),
        group_by="store",
        date_from=since,
        date_to=today,
        reason=None,
        agent=None,
    )
    sums = grouped_sums(scope, "store", names=("merchant_liable",), subtract=False)
    return {
        store_id: counts["merchant_liable"]
        for (store_id,), counts in sums.items()
        if repeat_offender(counts["merchant_liable"])
    }


def store_is_repeat_offender(*, store_id: int) -> bool:
    """Whether the store is a repeat offender now (one query): the flag the
    workbench shows beside a case, counted like the outliers page's list —
    every case of the window, the one shown included."""
    return store_id in repeat_offenders(Query(store=store_id))


# Party history on the agents' case page.

HISTORY_MEASURES = (
    "cases",
    "open_cases",
    "interventions",
    "merchant_liable",
    *RESOLUTION_COLUMNS.values(),
)


def store_history(*, dispute: Dispute, days: int = 90) -> dict[str, Any]:
    """The store's cases opened in the last `days` days (China time), this one
    excluded: how many, still open, intervened, merchant at fault, how closed."""
    since, today = last_days(days)
    query = Query(store=dispute.store_id, date_from=since, date_to=today)
    sums = dict(_sums(query, names=HISTORY_MEASURES)[()])
    if dispute.pk and local_day(dispute.opened_at) >= since:
        for name, value in case_measures(dispute).items():
            sums[name] = sums.get(name, 0) - value
    return _history_shape(sums)


def buyer_history(*, dispute: Dispute, days: int = 90) -> dict[str, Any]:
    """The buyer's cases opened in the last `days` days (China time), this one
    excluded, in the shape of `store_history`: one query over at most `days`
    rows of `BuyerDay`, however many cases the buyer has (issue 25: 2 scans
    of ~110 ms each on the case table for a buyer with 39,742 cases before)."""
    from django.db.models import Sum

    from ..models import BUYER_MEASURES, BuyerDay

    since, today = last_days(days)
    sums = BuyerDay.objects.filter(
        buyer_id=dispute.buyer_id, day__gte=since, day__lte=today
    ).aggregate(**{name: Sum(name) for name in BUYER_MEASURES})
    sums = {name: value or 0 for name, value in sums.items()}
    if dispute.pk and local_day(dispute.opened_at) >= since:
        for name, value in case_measures(dispute).items():
            if name in sums:
                sums[name] -= value
    return _history_shape(sums)


def _history_shape(sums: dict[str, int]) -> dict[str, Any]:
    return {
        "total": sums.get("cases", 0),
        "open": sums.get("open_cases", 0),
        "intervened": sums.get("interventions", 0),
        "merchant_liable": sums.get("merchant_liable", 0),
        "by_resolution": {
            Resolution(code).label: sums[column]
            for code, column in RESOLUTION_COLUMNS.items()
            if sums.get(column)
        },
    }


# A merchant's answers on their case list.

RESPONSE_MEASURES = ("cases", "response_in_time", *HISTOGRAMS["response"])


def merchant_response_figures(
    *, stores: Iterable[int], days: int = 90
) -> dict[str, Any]:
    """A merchant's answers to the cases opened in the last `days` days
    (China time) in `stores`: how many cases, how many answered, how many by
    the deadline, and the median hours to the first answer (within a bucket
    of the response histogram, like every report time)."""
    since, today = last_days(days)
    query = Query(date_from=since, date_to=today, stores=frozenset(stores))
    sums = _sums(query, names=RESPONSE_MEASURES)[()]
    answered = sum(histogram(sums, "response"))
    return {
        "cases": sums["cases"],
        "answered": answered,
        "in_time": sums["response_in_time"],
        "median_hours": percentile(sums, "response", 0.5),
        "in_time_rate": ratio(sums["response_in_time"], answered),
    }


# A store's figures by window on the workbench's store page.

STORE_WINDOWS = (("all", None), ("30", 30), ("90", 90))
WINDOW_MEASURES = ("cases", "interventions", "merchant_liable")


def store_figures_by_window(*, store_id: int) -> list[dict[str, Any]]:
    """A store's cases, interventions, intervention rate and merchant-at-fault
    rulings over all time and the last 30 and 90 days (China time, today
    included), by the day each case was opened: the reports' definitions.

    One row per window: {"window": "all" | "30" | "90", "days": None | 30 |
    90, "cases", "intervened", "intervention_rate" (0-1, four places; None
    without cases), "merchant_liable"}. Two queries: all time from the month
    cuboid, the last 90 days by day from the store-by-day cuboid.
    """
    longest = max(days for _key, days in STORE_WINDOWS if days)
    since, today = last_days(longest)
    by_day = grouped_sums(
        Query(group_by="day", store=store_id, date_from=since, date_to=today),
        "day",
        names=WINDOW_MEASURES,
    )
    all_time = _sums(Query(store=store_id), names=WINDOW_MEASURES)[()]
    rows = []
    for key, days in STORE_WINDOWS:
        sums = all_time
        if days is not None:
            first = today - timedelta(days=days - 1)
            sums = dict.fromkeys(WINDOW_MEASURES, 0)
            for (day,), day_sums in by_day.items():
                if day >= first:
                    add_sums(sums, day_sums)
        shown = figures(sums, None)
        rows.append(
            {
                "window": key,
                "days": days,
                "cases": shown["cases"],
                "intervened": shown["interventions"],
                "intervention_rate": shown["intervention_rate"],
                "merchant_liable": sums["merchant_liable"],
            }
        )
    return rows
