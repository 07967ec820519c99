"""Intervention statistics, computed in the database; pages and the API share them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek

from disputes.choices import Reason
from disputes.models import Dispute

PERIODS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
# group_by -> (key expression, label expression)
DIMENSIONS = {
    "store": ("store_id", "store__name"),
    "category": ("store__category__code", "store__category__name"),
    "region": ("store__region", "store__region"),
    "reason": ("reason", "reason"),
    "agent": ("assigned_to__username", "assigned_to__username"),
}
GROUP_BY = (*PERIODS, *DIMENSIONS)
RATE_PLACES = Decimal("0.0001")

DEFINITIONS = {
    "cases": "Cases opened in the period (a case counts in the period it was opened).",
    "interventions": "Of those cases, the ones with intervened_at set "
    "(a party asked the platform to step in, or the merchant stayed silent).",
    "intervention_rate": "interventions / cases, a decimal between 0 and 1 "
    "(0 when there are no cases).",
    "window": "opened_at from date_from 00:00 to date_to 24:00 inclusive, in the "
    "platform's time zone; every case when no dates are given.",
    "periods": "day YYYY-MM-DD, week the ISO week's Monday YYYY-MM-DD, month YYYY-MM,"
    " in the platform's time zone.",
}


def platform_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def rate(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.0000")
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES, ROUND_HALF_UP)


def cases_opened(
    *, date_from: date | None = None, date_to: date | None = None,
    qs: QuerySet | None = None,
) -> QuerySet:  # fmt: skip
    """Cases opened in [date_from, date_to] (whole days in the platform's zone)."""
    qs = Dispute.objects.all() if qs is None else qs
    tz = platform_tz()
    if date_from:
        qs = qs.filter(opened_at__gte=datetime.combine(date_from, time.min, tz))
    if date_to:
        end = datetime.combine(date_to + timedelta(days=1), time.min, tz)
        qs = qs.filter(opened_at__lt=end)
    return qs


def _counts() -> dict:
    return {
        "cases": Count("id"),
        "interventions": Count("id", filter=Q(intervened_at__isnull=False)),
    }


def _label(group_by: str, key, row: dict) -> str | None:
    if group_by == "reason" and key in Reason.values:
        return str(Reason(key).label)
    return row.get("label", key)


def _format_key(group_by: str, value) -> str | int | None:
    if value is None or group_by not in PERIODS:
        return value
    local = value.astimezone(platform_tz()) if isinstance(value, datetime) else value
    return f"{local:%Y-%m}" if group_by == "month" else f"{local:%Y-%m-%d}"


def intervention_report(
    *, group_by: str, date_from: date | None = None, date_to: date | None = None,
    qs: QuerySet | None = None,
) -> dict:  # fmt: skip
    """Cases, interventions and the intervention rate per period or dimension."""
    if group_by not in GROUP_BY:
        raise ValueError(group_by)
    cases = cases_opened(date_from=date_from, date_to=date_to, qs=qs)
    if group_by in PERIODS:
        key_expr = PERIODS[group_by]("opened_at", tzinfo=platform_tz())
        grouped = cases.annotate(key=key_expr).values("key")
    else:
        key_field, label_field = DIMENSIONS[group_by]
        grouped = cases.annotate(key=F(key_field), label=F(label_field))
        grouped = grouped.values("key", "label")
    rows = grouped.annotate(**_counts()).order_by("key")
    out = []
    for row in rows:
        key = _format_key(group_by, row["key"])
        out.append(
            _row(key, _label(group_by, key, row), row["cases"], row["interventions"])
        )
    totals = cases.aggregate(**_counts())
    return {
        "group_by": group_by,
        "date_from": date_from,
        "date_to": date_to,
        "time_zone": settings.TIME_ZONE,
        "definitions": DEFINITIONS,
        "totals": _row(None, None, totals["cases"], totals["interventions"]),
        "rows": out,
    }


def _row(key, label, cases: int, interventions: int) -> dict:
    return {
        "key": key,
        "label": label,
        "cases": cases,
        "interventions": interventions,
        "intervention_rate": rate(interventions, cases),
    }
