"""Periods and windows: which days, weeks and months a report covers, and
which rollup grain (a day, or a whole month) reads each part of a window."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from ..measures import local_day
from .query import Query

MAX_FILLED_PERIODS = 1000

# One part of a window: (from, to, grain, sign). A month cuboid row minus the
# day rows a window leaves out is the same sum as the day rows it keeps (the
# figures are additive), so a partial month is read from whichever is
# cheaper: its own days, or the whole month less the days it leaves out.
Part = tuple[date | None, date | None, str, int]


def last_days(days: int) -> tuple[date, date]:
    """The first and last day of the last `days` days in China time, today
    included (the window of the case page's history and the store figures)."""
    today = local_day(timezone.now())
    return today - timedelta(days=days - 1), today


def _month_end(day: date) -> date:
    if day >= date(9999, 12, 1):
        return date.max
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(1)


def _data_days(start: date, end: date, horizon: date) -> int:
    """Days of [start, end] that can hold rows (none after `horizon`)."""
    return max(0, (min(end, horizon) - start).days + 1)


def _partial_month(start: date, end: date, horizon: date, monthly: bool) -> list[Part]:
    """The days [start, end] of one month, as its days or as the month less
    the days left out, whichever reads fewer rows (days after `horizon` hold
    none, so there is nothing of them to take away)."""
    first, last = start.replace(day=1), _month_end(start)
    kept = _data_days(start, end, horizon)
    left_out = (start - first).days
    if end < last:
        left_out += _data_days(end + timedelta(days=1), last, horizon)
    if not monthly or last == date.max or left_out >= kept:
        return [(start, end, "day", 1)]
    parts: list[Part] = [(first, last, "month", 1)]
    if start > first and _data_days(first, start - timedelta(days=1), horizon):
        parts.append((first, start - timedelta(days=1), "day", -1))
    if end < last and _data_days(end + timedelta(days=1), last, horizon):
        parts.append((end + timedelta(days=1), last, "day", -1))
    return parts


def _windows(query: Query, group: str | None, monthly: bool = False) -> list[Part]:
    """The window as parts: whole months from the month cuboids, the partial
    months at either end from the day cuboids (added, or taken away from the
    whole month when `monthly`: the question has a month cuboid)."""
    start, end = query.date_from, query.date_to
    if group in ("day", "week"):
        return [(start, end, "day", 1)]
    # No case opens after today: a day later still, for a clock a little behind.
    horizon = local_day(timezone.now()) + timedelta(days=1)
    parts: list[Part] = []
    if start and start.day != 1:
        head_end = _month_end(start) if end is None else min(_month_end(start), end)
        parts += _partial_month(start, head_end, horizon, monthly)
        if head_end == date.max or (end and head_end >= end):
            return parts
        start = head_end + timedelta(days=1)
    tail = None
    if end and end != _month_end(end):
        tail = (max(end.replace(day=1), start) if start else end.replace(day=1), end)
        end = tail[0] - timedelta(days=1)
    if start is None or end is None or start <= end:
        parts.append((start, end, "month", 1))
    if tail:
        parts += _partial_month(*tail, horizon, monthly)
    return parts


def period_start(group: str, day: date) -> date:
    if group == "week":
        return day - timedelta(days=day.weekday())
    if group == "month":
        return day.replace(day=1)
    return day


def _next_period(group: str, key: date) -> date:
    if group == "month":
        return (key + timedelta(days=32)).replace(day=1)
    return key + timedelta(days=7 if group == "week" else 1)


def _fill_periods(
    rows: dict[Any, tuple[int, ...]], query: Query, empty: tuple[int, ...]
) -> None:
    """Add the empty periods of the window (up to today), so charts show gaps."""
    keys = [k for k in rows if k is not None]
    start = query.date_from or (min(keys) if keys else None)
    end = max(keys) if keys else None
    if query.date_to:
        today = local_day(timezone.now())
        end = max(end or query.date_to, min(query.date_to, today))
    if start is None or end is None or start > end:
        return
    group = query.group_by
    if keys and (end - start).days > MAX_FILLED_PERIODS:
        start = max(start, min(keys))  # a window of centuries: from the data
    key = period_start(group, start)
    for _i in range(MAX_FILLED_PERIODS):
        if key > end:
            break
        rows.setdefault(key, empty)
        key = _next_period(group, key)
