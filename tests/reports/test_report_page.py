"""The managers' report pages: who may read them, and every page renders."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from reports import rollups
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
PAGES = ["/reports/", "/reports/breakdown/", "/reports/service/",
         "/reports/outliers/", "/reports/agents/"]  # fmt: skip


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
            order__placed_at=opened,
            opened_at=opened,
            intervened_at=opened if intervened else None,
        )
    rollups.rebuild()
    return store


USERS = {
    "manager": manager,
    "supervisor": supervisor,
    "agent": agent,
    "buyer": buyer,
    "merchant": merchant,
}


@pytest.mark.parametrize("path", PAGES)
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
def test_who_may_read(client, cases, path, who, status):
    if who != "anonymous":
        client.force_login(USERS[who]())
    assert client.get(path).status_code == status


@pytest.mark.parametrize("path", PAGES)
def test_every_page_and_its_csv(client, cases, path):
    client.force_login(manager())
    page = client.get(path, {"date_from": "2026-03-01", "date_to": "2026-04-30"})
    assert page.status_code == 200
    download = client.get(
        path, {"date_from": "2026-03-01", "date_to": "2026-04-30", "format": "csv"}
    )
    assert download.status_code == 200
    assert download.streaming
    text = b"".join(download.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")


def test_monthly_numbers(client, cases):
    client.force_login(manager())
    page = client.get("/reports/", {"group_by": "month", "date_from": "2026-03-01",
                                    "date_to": "2026-04-30"})  # fmt: skip
    report = page.context["report"]
    assert [(r["key"], r["cases"], r["interventions"]) for r in report["rows"]] == [
        ("2026-03", 3, 2),
        ("2026-04", 2, 0),
    ]
    assert report["rows"][0]["intervention_rate"] == 0.6667
    assert (report["totals"]["cases"], report["totals"]["intervention_rate"]) == (
        5,
        0.4,
    )
    assert "66.7 %" in page.content.decode() or "66.7%" in page.content.decode()


def test_bad_dates_are_a_form_error(client, cases):
    client.force_login(manager())
    page = client.get("/reports/", {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert page.status_code == 400
    assert "report" not in page.context


@pytest.mark.parametrize("path", [*PAGES, "/reports/store/?store=1"])
def test_far_dates_and_unknown_values(client, cases, path):
    client.force_login(manager())
    sep = "&" if "?" in path else "?"
    far = client.get(f"{path}{sep}date_from=0001-01-01&date_to=9999-12-31")
    # Dates outside 1970..2999 are a form error (never a 500); the store page
    # ignores dates.
    assert far.status_code in (200, 400)
    if path in PAGES:
        assert far.status_code == 400
        for bad in ("store=abc", "store=99999", "reason=bored", "region=火星",
                    "agent=nobody", "category=toys", "group_by=year"):  # fmt: skip
            assert client.get(f"{path}?{bad}").status_code == 400, bad


def test_csv_cells_never_run_as_formulas(client):
    store = StoreFactory(name='=HYPERLINK("http://x")')
    DisputeFactory(order__store=store)
    client.force_login(manager())
    download = client.get("/reports/breakdown/", {"group_by": "store", "format": "csv"})
    text = b"".join(download.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    assert "\n'=HYPERLINK" in text.replace("\r\n", "\n").replace("\"'=", "'=")
    header = text.lstrip("\ufeff").splitlines()[0]
    assert "intervention_rate" not in header and "Intervention rate" in header


def test_definitions_are_in_the_readers_language(client, cases):
    client.force_login(manager())
    page = client.get("/reports/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert "平台介入的纠纷数 ÷ 发起的纠纷数" in html
    assert "intervened_at" not in html
