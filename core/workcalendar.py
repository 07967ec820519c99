"""Working-time arithmetic on the Chinese working calendar.

Agents' service-level targets count working hours: the hours between
`SLA_WORKING_HOURS` (default 09:00–21:00, Asia/Shanghai) on working days.
Working days come from `chinese_calendar` (public holidays off, 调休 make-up
weekend days on); for a year it has no data for, Monday to Friday, with a
warning in the log. Every function takes aware datetimes and returns aware
datetimes in the calendar's time zone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

logger = logging.getLogger(__name__)

# Far enough for any target; stops a misconfigured calendar from looping forever.
MAX_DAYS = 3 * 366
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WorkingHours:
    start: time
    end: time
    tz: ZoneInfo

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The working span of one day, as aware datetimes."""
        return (
            datetime.combine(day, self.start, tzinfo=self.tz),
            datetime.combine(day, self.end, tzinfo=self.tz),
        )


def working_hours() -> WorkingHours:
    """The working hours from settings (`SLA_WORKING_HOURS`)."""
    conf = settings.SLA_WORKING_HOURS
    return _working_hours(conf["start"], conf["end"], conf["time_zone"])


@lru_cache(maxsize=16)
def _working_hours(start: str, end: str, time_zone: str) -> WorkingHours:
    hours = WorkingHours(
        start=time.fromisoformat(start),
        end=time.fromisoformat(end),
        tz=ZoneInfo(time_zone),
    )
    if hours.start >= hours.end:
        raise ValueError("SLA_WORKING_HOURS: start must be before end.")
    return hours


@lru_cache(maxsize=4096)
def is_working_day(day: date) -> bool:
    """A working day on the Chinese calendar (Monday–Friday where it has no data)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        _warn_unknown_year(day.year)
        return day.weekday() < 5


@lru_cache(maxsize=64)
def _warn_unknown_year(year: int) -> None:
    logger.warning(
        "chinese_calendar has no holidays for %s: counting Monday to Friday "
        "as working days. Upgrade chinese-calendar.",
        year,
    )


def add_working_hours(
    start: datetime, hours: float | timedelta, *, calendar: WorkingHours | None = None
) -> datetime:
    """The instant at which `hours` working hours have passed since `start`."""
    calendar = calendar or working_hours()
    remaining = hours if isinstance(hours, timedelta) else timedelta(hours=hours)
    cursor = start.astimezone(calendar.tz)
    if remaining <= timedelta(0):
        return cursor
    day = cursor.date()
    opens, closes = calendar.window(day)
    if is_working_day(day) and cursor < closes:
        cursor = max(cursor, opens)
        if remaining <= closes - cursor:
            return cursor + remaining
        remaining -= closes - cursor
    # The whole working days after the first: counted without building times.
    length = closes - opens
    for _ in range(MAX_DAYS):
        day += ONE_DAY
        if is_working_day(day):
            if remaining <= length:
                return calendar.window(day)[0] + remaining
            remaining -= length
    raise ValueError(f"No working time found within {MAX_DAYS} days of {start}.")
