"""The one definition of every figure: rates, percentiles and counts derived
from summed rollup measures. Pages, CSV files and the API all read these."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from itertools import accumulate, pairwise
from operator import itemgetter

from ..measures import BUCKET_EDGES, bucket_column
from .query import Figures


def _ratio(part: int, whole: int) -> float:
    """part / whole rounded half-even to four places, in integers.

    The same value as Decimal(part) / Decimal(whole) quantized to 0.0001
    (tests/reports/test_ratio.py compares them), at a tenth of the cost:
    a thousand stores' figures are a thousand times seventeen of these.
    """
    quotient, rest = divmod(part * 10_000, whole)
    twice = 2 * rest
    if twice > whole or (twice == whole and quotient & 1):
        quotient += 1
    return quotient / 10_000


def ratio(part: int, whole: int | None) -> float | None:
    """part / whole to four places, or None when there is nothing to divide by."""
    if not whole:
        return None
    return _ratio(part, whole)


def rate_decimal(value: float | None) -> Decimal:
    """A rate as a four-place decimal, 0 when there is nothing to divide by."""
    return Decimal(str(value or 0)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


# Times: bucketed histograms and their percentiles.

HISTOGRAMS = {
    time: tuple(bucket_column(time, i) for i in range(len(BUCKET_EDGES)))
    for time in ("response", "pickup", "ruling", "close")
}
_BUCKETS = {time: itemgetter(*columns) for time, columns in HISTOGRAMS.items()}


def histogram(sums: Mapping[str, int], time: str) -> tuple[int, ...]:
    """The bucket counts of one of the case times (read-only)."""
    try:
        counts: tuple[int, ...] = _BUCKETS[time](sums)
        return counts
    except KeyError:  # sums without some buckets count them as 0
        return tuple(sums.get(column, 0) for column in HISTOGRAMS[time])


_TOP = len(BUCKET_EDGES) - 1  # the open bucket, from 720 h on
_WIDTHS = tuple(high - low for low, high in pairwise(BUCKET_EDGES))


def quantile(
    counts: Sequence[float], q: float, running: list[float] | None = None
) -> float | None:
    """The q-th quantile of a bucketed distribution in hours, to 0.1 h.

    The value lies in the bucket that holds the exact one; inside it the
    cases are taken as evenly spread. The open top bucket gives its start.
    `running` (the cumulative counts) may be passed when already known.
    """
    if running is None:
        running = list(accumulate(counts))
    total = running[-1] if running else 0
    if not total:
        return None
    return _hours_at(counts, running, q * total)


def _hours_at(
    counts: Sequence[float], running: Sequence[float], target: float
) -> float:
    """The hours by which `target` (> 0) cases of the histogram were done."""
    # The first bucket whose running count reaches the target (never an empty
    # one: an empty bucket's running count equals the one before it).
    i = bisect_left(running, target)
    if i == _TOP:
        return float(BUCKET_EDGES[i])
    seen = running[i - 1] if i else 0
    return round(BUCKET_EDGES[i] + _WIDTHS[i] * (target - seen) / counts[i], 1)


def percentile(sums: Mapping[str, int], time: str, q: float) -> float | None:
    """The q-th quantile (0 < q < 1) of one of the case times, in hours."""
    return quantile(histogram(sums, time), q)


# Every figure from the counts.

_TIME_FIGURES = tuple(
    (time, f"hours_to_{name}_p50", f"hours_to_{name}_p90")
    for name, time in (
        ("first_response", "response"),
        ("pickup", "pickup"),
        ("ruling", "ruling"),
        ("close", "close"),
    )
)
# The counts the figures read, in the order `_figures` unpacks them.
FIGURE_COUNTS = (
    "cases", "interventions", "rulings", "appeals", "overturned",
    "self_settled", "post_settled", "merchant_liable", "buyer_wins",
    "pickup_met", "pickup_missed", "ruling_met", "ruling_missed",
)  # fmt: skip
# What `_figures` reads, in its order: the counts, then the four histograms.
_READ = (
    *FIGURE_COUNTS,
    *(column for time, _p50, _p90 in _TIME_FIGURES for column in HISTOGRAMS[time]),
)
_TIME_SLICES = tuple(
    (p50, p90, slice(start, start + len(BUCKET_EDGES)))
    for (_time, p50, p90), start in zip(
        _TIME_FIGURES,
        range(len(FIGURE_COUNTS), len(_READ), len(BUCKET_EDGES)),
        strict=True,
    )
)
# The measures the figures read (a caller showing only figures sums no more).
FIGURE_MEASURES = (*_READ, "orders")


def figures(sums: Mapping[str, int], orders: int | None) -> Figures:
    """Every figure of the design from summed counts (and orders, when known)."""
    get = sums.get
    return _figures(tuple([get(name, 0) for name in _READ]), orders)


@lru_cache(maxsize=64)
def figure_reader(names: tuple[str, ...]) -> Callable[[Sequence[int]], Sequence[int]]:
    """A function taking sums in the order of `names` to what `_figures`
    reads (a measure `names` lacks counts 0)."""
    if names[: len(_READ)] == _READ:
        return lambda sums: sums  # already in order (FIGURE_MEASURES)
    at = {name: i for i, name in enumerate(names)}
    pick = itemgetter(*(at.get(name, len(names)) for name in _READ))
    return lambda sums: pick((*sums, 0))


def _figures(counts: Sequence[int], orders: int | None) -> Figures:
    """Every figure from the counts in `_READ` order: the one definition.

    Called once per row of a report (1,202 stores in a by-store summary), so
    it unpacks the counts once and divides with `_ratio` directly.
    """
    (
        cases, interventions, rulings, appeals, overturned,
        self_settled, post_settled, merchant_liable, buyer_wins,
        pickup_met, pickup_missed, ruling_met, ruling_missed,
    ) = counts[: len(FIGURE_COUNTS)]  # fmt: skip
    pickup_decided = pickup_met + pickup_missed
    ruling_decided = ruling_met + ruling_missed
    out = {
        "orders": orders,
        "cases": cases,
        "interventions": interventions,
        "rulings": rulings,
        "appeals": appeals,
        "overturns": overturned,
        "dispute_rate": _ratio(cases, orders) if orders else None,
        "intervention_rate": _ratio(interventions, cases) if cases else None,
        "self_settlement_rate": _ratio(self_settled, cases) if cases else None,
        "post_intervention_settlement_rate": (
            _ratio(post_settled, interventions) if interventions else None
        ),
        "merchant_liability_rate": (
            _ratio(merchant_liable, orders) if orders else None
        ),
        "interventions_per_1000_orders": (
            round(interventions * 1000 / orders, 2) if orders else None
        ),
        "buyer_win_rate": _ratio(buyer_wins, rulings) if rulings else None,
        "appeal_rate": _ratio(appeals, rulings) if rulings else None,
        "overturn_rate": _ratio(overturned, appeals) if appeals else None,
        "pickup_sla_compliance": (
            _ratio(pickup_met, pickup_decided) if pickup_decided else None
        ),
        "ruling_sla_compliance": (
            _ratio(ruling_met, ruling_decided) if ruling_decided else None
        ),
    }
    for p50, p90, buckets in _TIME_SLICES:  # `quantile`, inlined: 4,808 calls
        histogram = counts[buckets]
        running = list(accumulate(histogram))
        total = running[-1]
        if total:
            out[p50] = _hours_at(histogram, running, 0.5 * total)
            out[p90] = _hours_at(histogram, running, 0.9 * total)
        else:
            out[p50] = out[p90] = None
    return out


FIGURES = tuple(figures({}, None))
