"""Working hours on the Chinese working calendar (09:00–21:00 Asia/Shanghai)."""

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.workcalendar import (
    ONE_DAY,
    add_working_hours,
    is_working_day,
    working_hours,
)

SH = ZoneInfo("Asia/Shanghai")


def working_hours_between(start: datetime, end: datetime) -> timedelta:
    """The working time between two instants (zero when `end` is not after):
    counted day by day, the oracle `add_working_hours` is held against."""
    calendar = working_hours()
    start, end = start.astimezone(calendar.tz), end.astimezone(calendar.tz)
    total = timedelta(0)
    day = start.date()
    while day <= end.date():
        if is_working_day(day):
            opens, closes = calendar.window(day)
            total += max(min(closes, end) - max(opens, start), timedelta(0))
        day += ONE_DAY
    return total


def at(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026):
    return datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (at(11, 27).date(), True),  # Friday
        (at(11, 28).date(), False),  # Saturday
        (at(11, 29).date(), False),  # Sunday
        (at(10, 1).date(), False),  # National Day (a Thursday)
        (at(10, 7).date(), False),  # last day of the Golden Week
        (at(10, 10).date(), True),  # Saturday made a working day (调休)
    ],
)
def test_working_days_follow_the_chinese_calendar(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        # Inside one working day.
        (at(11, 26, 10), 2, at(11, 26, 12)),
        # Before opening: the clock starts at 09:00.
        (at(11, 26, 6), 1, at(11, 26, 10)),
        # After closing: the clock starts the next working morning.
        (at(11, 26, 22), 1, at(11, 27, 10)),
        # Ends exactly at closing time: that day, not the next morning.
        (at(11, 26, 9), 12, at(11, 26, 21)),
        # Friday 15:00 + 24 h: 6 h Friday, the weekend skipped, 12 h Monday,
        # 6 h Tuesday.
        (at(11, 27, 15), 24, at(12, 1, 15)),
        # Over National Day: Wednesday 30 Sept 20:00, 1 h that evening,
        # 1–7 October off, Thursday 8 October 09:00 + 23 h → Friday 9 at 20:00.
        (at(9, 30, 20), 24, at(10, 9, 20)),
        # Across the make-up Saturday 10 October: it counts in full.
        (at(10, 9, 9), 24, at(10, 10, 21)),
        (at(10, 9, 9), 25, at(10, 12, 10)),
        # Nothing to add: the start itself.
        (at(11, 28, 3), 0, at(11, 28, 3)),
    ],
)
def test_add_working_hours(start, hours, expected):
    assert add_working_hours(start, hours) == expected


def test_add_working_hours_takes_any_time_zone_and_answers_in_shanghai():
    start = datetime(2026, 11, 26, 2, 0, tzinfo=ZoneInfo("UTC"))  # 10:00 Shanghai
    result = add_working_hours(start, timedelta(hours=2))
    assert result == at(11, 26, 12)
    assert result.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (at(11, 26, 10), at(11, 26, 12), 2),
        (at(11, 26, 20), at(11, 27, 10), 2),  # 1 h each side of the night
        (at(11, 27, 20), at(11, 30, 10), 2),  # a weekend counts nothing
        (at(9, 30, 9), at(10, 8, 21), 24),  # National Day counts nothing
        (at(10, 10, 0), at(10, 11, 0), 12),  # the make-up Saturday counts
        (at(11, 26, 12), at(11, 26, 10), 0),  # backwards: nothing
    ],
)
def test_working_hours_between(start, end, hours):
    assert working_hours_between(start, end) == timedelta(hours=hours)


def test_between_inverts_add():
    start = at(9, 29, 16, 30)
    for hours in (1, 7.5, 24, 72, 200):
        end = add_working_hours(start, hours)
        assert working_hours_between(start, end) == timedelta(hours=hours)


def test_working_hours_are_a_setting(settings):
    settings.SLA_WORKING_HOURS = {
        "start": "08:30",
        "end": "17:30",
        "time_zone": "Asia/Shanghai",
    }
    assert add_working_hours(at(11, 26, 17), 1) == at(11, 27, 9)


def test_a_year_without_data_falls_back_to_weekdays_with_a_warning(caplog):
    caplog.set_level(logging.WARNING, logger="core.workcalendar")
    # 2030 is beyond chinese_calendar's data: Friday 18:00 + 12 h → Monday 18:00.
    friday = at(1, 4, 18, year=2030)
    assert add_working_hours(friday, 12) == at(1, 7, 18, year=2030)
    assert is_working_day(at(1, 5, year=2030).date()) is False  # Saturday
    assert "2030" in caplog.text
