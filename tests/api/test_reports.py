"""The intervention report: hand-counted numbers, periods in Asia/Shanghai, roles."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests import factories as f

from .conftest import client_for

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def case_at(local: datetime, *, intervened: bool, reason="quality", store=None):
    order = f.OrderFactory(store=store) if store else f.OrderFactory()
    at = local.replace(tzinfo=SH)
    return f.DisputeFactory(
        order=order, opened_at=at, reason=reason,
        intervened_at=at if intervened else None,
    )  # fmt: skip


@pytest.fixture
def cases():
    # 2026-03-01 00:30 in Shanghai is still 2026-02-28 in UTC: counts on 03-01.
    case_at(datetime(2026, 3, 1, 0, 30), intervened=True)
    case_at(datetime(2026, 3, 1, 12, 0), intervened=False, reason="damaged")
    case_at(datetime(2026, 3, 4, 9, 0), intervened=False)
    case_at(datetime(2026, 2, 27, 9, 0), intervened=True)


def report(query: str, user=None):
    client = client_for(user or f.manager())
    r = client.get(f"/api/v1/reports/intervention/?{query}")
    assert r.status_code == 200, r.json()
    return r.json()


def test_by_day_in_the_platform_time_zone(cases):
    body = report("group_by=day")
    rows = {r["key"]: (r["cases"], r["interventions"], r["intervention_rate"])
            for r in body["rows"]}  # fmt: skip
    assert rows == {
        "2026-02-27": (1, 1, 1.0),
        "2026-03-01": (2, 1, 0.5),
        "2026-03-04": (1, 0, 0.0),
    }
    assert body["totals"]["cases"] == 4
    assert body["totals"]["intervention_rate"] == 0.5
    assert "intervention_rate" in body["definitions"]


def test_by_week_and_month(cases):
    weeks = {r["key"]: r["cases"] for r in report("group_by=week")["rows"]}
    assert weeks == {"2026-02-23": 3, "2026-03-02": 1}  # ISO Mondays
    months = {r["key"]: r["cases"] for r in report("group_by=month")["rows"]}
    assert months == {"2026-02": 1, "2026-03": 3}


def test_date_range_and_dimensions(cases):
    body = report("group_by=reason&date_from=2026-03-01&date_to=2026-03-01")
    rows = {r["key"]: (r["cases"], r["interventions"]) for r in body["rows"]}
    assert rows == {"damaged": (1, 0), "quality": (1, 1)}
    for group in ("store", "category", "region", "agent"):
        assert report(f"group_by={group}")["totals"]["cases"] == 4


@pytest.mark.parametrize(
    ("role", "status"),
    [("buyer", 403), ("merchant", 403), ("agent", 200), ("supervisor", 200),
     ("manager", 200)],
)  # fmt: skip
def test_who_may_read_the_report(role, status):
    user = getattr(f, role)()
    r = client_for(user).get("/api/v1/reports/intervention/?group_by=month")
    assert r.status_code == status


def test_bad_options_are_field_errors():
    client = client_for(f.manager())
    r = client.get("/api/v1/reports/intervention/?group_by=year")
    assert r.status_code == 400 and "group_by" in r.json()["errors"]
    r = client.get(
        "/api/v1/reports/intervention/?date_from=2026-03-02&date_to=2026-03-01"
    )
    assert r.status_code == 400 and "date_to" in r.json()["errors"]


def test_empty_report():
    body = report("group_by=day")
    assert body["rows"] == [] and body["totals"]["intervention_rate"] == 0.0
    assert timezone.now()
