"""What one case adds to the report rollups: additive counts and time histograms.

Everything here is a pure function of the case row, so the rollups can be
rebuilt from the raw tables and kept exact by applying differences.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings

# Hour buckets for the time histograms: bucket i holds [EDGES[i], EDGES[i+1]),
# the last one everything from 720 h (30 days) on.
BUCKET_EDGES = (
    0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 18, 21, 24, 30, 36, 42, 48,
    60, 72, 84, 96, 120, 144, 168, 216, 264, 336, 504, 720,
)  # fmt: skip
TIMES = ("response", "pickup", "ruling", "close")

COUNTS = (
    "cases",
    "interventions",
    "open_cases",
    "agreed",
    "withdrawn",
    "auto_refunded",
    "mediated",
    "ruled_final",
    "upheld",
    "overturned",
    "self_settled",
    "post_settled",
    "rulings",
    "buyer_wins",
    "merchant_liable",
    "appeals",
    "pickup_met",
    "pickup_missed",
    "ruling_met",
    "ruling_missed",
    "response_in_time",
    "refuse_return_overturned",
)
RESOLUTION_COLUMNS = {
    "agreed": "agreed",
    "withdrawn": "withdrawn",
    "auto_refunded": "auto_refunded",
    "mediated": "mediated",
    "ruled": "ruled_final",
    "upheld": "upheld",
    "overturned": "overturned",
}


def bucket_column(time: str, index: int) -> str:
    return f"h_{time}_{index:02d}"


HISTOGRAM_COLUMNS = tuple(
    bucket_column(t, i) for t in TIMES for i in range(len(BUCKET_EDGES))
)
CASE_MEASURES = (*COUNTS, *HISTOGRAM_COLUMNS)
MEASURES = (*CASE_MEASURES, "orders")


def platform_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(moment: datetime) -> date:
    """The calendar day of `moment` in the platform's time zone."""
    return moment.astimezone(platform_tz()).date()


def bucket_of(hours: float) -> int:
    """The histogram bucket holding a duration in hours (negative counts as 0)."""
    index = 0
    for i, edge in enumerate(BUCKET_EDGES):
        if hours >= edge:
            index = i
        else:
            break
    return index


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 3600


def settlement(case) -> str:
    """How the case was settled, goods included: its resolution once closed,
    and while its goods travel (`returning`) the resolution it will close
    with — a return agreed is a settlement the day it is agreed. A return the
    buyer never sent still counts as the settlement it was (the parties
    agreed); a goods leg that failed and went to the platform counts as the
    platform's decision (its `settles_as` is cleared then)."""
    settles_as = getattr(case, "settles_as", "") or ""
    if case.state == "returning":
        return settles_as
    if case.state != "closed":
        return ""
    if case.resolution == "return_lapsed":
        return settles_as
    return case.resolution


def case_measures(case) -> dict[str, int]:
    """The counts and time buckets one case contributes (only the non-zero ones).

    Open to close includes the goods leg (a case closes when its goods are
    back); a refused return that reaches the platform stamps `intervened_at`
    once, so it is one intervention however often the goods fail."""
    closed = case.state == "closed"
    intervened = case.intervened_at is not None
    resolution = case.resolution if closed else ""
    settled = settlement(case)
    appealed = case.state == "appeal" or settled in ("upheld", "overturned")
    flags = {
        "cases": True,
        "interventions": intervened,
        "open_cases": not closed,
        "self_settled": settled in ("agreed", "withdrawn") and not intervened,
        # After intervention: mediated, withdrawn, or the merchant conceding.
        "post_settled": settled in ("mediated", "withdrawn", "agreed") and intervened,
        "rulings": case.ruled_at is not None,
        "buyer_wins": case.ruled_at is not None and case.outcome == "buyer",
        "merchant_liable": case.ruled_at is not None and case.liability == "merchant",
        "appeals": appealed,
        "response_in_time": _answered_in_time(case),
        "refuse_return_overturned": refused_return_overturned(case),
    }
    if resolution in RESOLUTION_COLUMNS:
        flags[RESOLUTION_COLUMNS[resolution]] = True
    flags.update(_service_levels(case, closed))
    out = {name: 1 for name, on in flags.items() if on}
    spans = {
        "response": _hours(case.opened_at, case.merchant_responded_at),
        "pickup": _hours(case.intervened_at, case.taken_at),
        "ruling": _hours(case.taken_at, case.ruled_at),
        "close": _hours(case.opened_at, case.closed_at if closed else None),
    }
    for time, hours in spans.items():
        if hours is not None:
            out[bucket_column(time, bucket_of(hours))] = 1
    return out


# Where a case waits for the platform's decision (a ruling or an appeal's).
_AWAITING_PLATFORM = ("complaint", "verification", "mediation", "appeal")


def refused_return_overturned(case) -> bool:
    """The merchant refused the returned goods and the platform then decided
    for the buyer: the case was ruled, its final outcome is the buyer's, and
    no decision on it is pending (a refusal after a ruling reopens it as an
    appeal: it counts once the supervisor keeps the buyer's win)."""
    return (
        getattr(case, "return_refused_at", None) is not None
        and case.ruled_at is not None
        and case.outcome == "buyer"
        and case.state not in _AWAITING_PLATFORM
    )


def _answered_in_time(case) -> bool:
    """The merchant's first answer came by the response deadline."""
    answered, deadline = case.merchant_responded_at, case.merchant_deadline_at
    return answered is not None and deadline is not None and answered <= deadline


def _service_levels(case, closed: bool) -> dict[str, bool]:
    """Met or missed for each agent target; undecided cases count in neither."""
    taken = case.taken_at is not None
    pickup_missed = case.pickup_breached_at is not None
    ruling_missed = case.ruling_breached_at is not None
    concluded = case.ruled_at is not None or (taken and closed)
    return {
        "pickup_missed": case.intervened_at is not None and pickup_missed,
        "pickup_met": case.intervened_at is not None and taken and not pickup_missed,
        "ruling_missed": taken and ruling_missed,
        "ruling_met": taken and concluded and not ruling_missed,
    }
