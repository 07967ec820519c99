"""A store's figures for the other apps' pages, from the rollups: its recent
history on the agents' case page and a merchant's answers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from disputes.choices import Resolution

from ..measures import RESOLUTION_COLUMNS, case_measures, local_day
from .figures import HISTOGRAMS, histogram, percentile, ratio
from .periods import last_days
from .query import Query
from .sums import _sums

if TYPE_CHECKING:
    from disputes.models import Dispute

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
