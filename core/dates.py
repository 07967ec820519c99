"""Dates the platform can compute with: a query parameter such as
`date_to=9999-12-31` must answer 400, not overflow into a 500 when a day is
added or a time zone applied."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST = date(1970, 1, 1)
LATEST = date(2999, 12, 31)


def supported_date(value: date | datetime) -> None:
    """Validator: refuse dates outside EARLIEST..LATEST."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_out_of_range",
            params={"first": EARLIEST.isoformat(), "last": LATEST.isoformat()},
        )
