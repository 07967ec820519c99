"""The managers' report page: who may read it, and hand-counted numbers."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import (
    DisputeFactory,
    StoreFactory,
    agent,
    buyer,
    manager,
    merchant,
    supervisor,
)

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def cases():
    """Five cases: March 2026 has 3 (2 intervened), April has 2 (0 intervened)."""
    store = StoreFactory()
    when = [
        (datetime(2026, 3, 1, 0, 30, tzinfo=SH), True),  # still 1 March in Shanghai
        (datetime(2026, 3, 15, 12, 0, tzinfo=SH), True),
        (datetime(2026, 3, 31, 23, 59, tzinfo=SH), False),
        (datetime(2026, 4, 1, 0, 1, tzinfo=SH), False),
        (datetime(2026, 4, 20, 9, 0, tzinfo=SH), False),
    ]
    for opened, intervened in when:
        DisputeFactory(
            order__store=store,
            opened_at=opened,
            intervened_at=opened if intervened else None,
        )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 200),
        ("supervisor", 200),
        ("agent", 200),
        ("buyer", 404),
        ("merchant", 404),
        ("anonymous", 302),
    ],
)
def test_who_may_read(client, who, status):
    users = {
        "manager": manager,
        "supervisor": supervisor,
        "agent": agent,
        "buyer": buyer,
        "merchant": merchant,
    }
    if who != "anonymous":
        client.force_login(users[who]())
    assert client.get("/reports/").status_code == status


def test_monthly_numbers(client, cases):
    client.force_login(manager())
    page = client.get("/reports/", {"group_by": "month"})
    report = page.context["report"]
    assert [(r["key"], r["cases"], r["interventions"]) for r in report["rows"]] == [
        ("2026-03", 3, 2),
        ("2026-04", 2, 0),
    ]
    assert str(report["rows"][0]["intervention_rate"]) == "0.6667"
    assert (report["totals"]["cases"], str(report["totals"]["intervention_rate"])) == (
        5,
        "0.4000",
    )


def test_date_window_and_csv(client, cases):
    client.force_login(manager())
    page = client.get(
        "/reports/",
        {
            "group_by": "day",
            "date_from": "2026-03-15",
            "date_to": "2026-04-01",
            "format": "csv",
        },
    )
    lines = page.content.decode("utf-8-sig").strip().splitlines()
    assert lines == [
        "key,label,cases,interventions,intervention_rate",
        "2026-03-15,2026-03-15,1,1,1.0000",
        "2026-03-31,2026-03-31,1,0,0.0000",
        "2026-04-01,2026-04-01,1,0,0.0000",
        "total,,3,1,0.3333",
    ]


def test_bad_dates_fall_back_to_every_case(client, cases):
    client.force_login(manager())
    page = client.get("/reports/", {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert page.status_code == 200
    assert page.context["report"]["totals"]["cases"] == 5
    assert "after the end date" in page.content.decode()
