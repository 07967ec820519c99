"""GET /api/v1/reports/summary/: every figure, filters checked, scoped by role."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from reports.selectors import FIGURES
from tests import factories as f

from .conftest import client_for

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/reports/summary/"


@pytest.fixture
def stores():
    """Store A (apparel, 浙江): 2 cases, 1 intervened, 3 orders; B (food, 广东): 1."""
    a = f.StoreFactory(category=f.CategoryFactory(code="apparel"), region="浙江")
    b = f.StoreFactory(
        category=f.CategoryFactory(code="food", name="食品"), region="广东"
    )
    for store, opened, intervened in (
        (a, datetime(2026, 3, 31, 23, 30, tzinfo=SH), True),
        (a, datetime(2026, 4, 2, 9, 0, tzinfo=SH), False),
        (b, datetime(2026, 4, 3, 9, 0, tzinfo=SH), True),
    ):
        order = f.OrderFactory(store=store, placed_at=opened)
        f.DisputeFactory(
            order=order, opened_at=opened, intervened_at=opened if intervened else None
        )
    f.OrderFactory(store=a, placed_at=datetime(2026, 4, 5, tzinfo=SH))
    return a, b


def get(user, query=""):
    return client_for(user).get(f"{URL}?{query}")


def test_every_figure_is_there(stores):
    body = get(f.manager(), "group_by=month").json()
    assert set(body) >= {"definitions", "totals", "rows"}
    for row in [body["totals"], *body["rows"]]:
        assert set(row) == {"key", "label", *FIGURES}
    months = {r["key"]: (r["orders"], r["cases"], r["interventions"])
              for r in body["rows"]}  # fmt: skip
    assert months == {"2026-03": (1, 1, 1), "2026-04": (3, 2, 1)}
    assert body["totals"]["dispute_rate"] == 0.75
    assert body["totals"]["rulings"] == 0 and body["totals"]["buyer_win_rate"] is None


@pytest.mark.parametrize(
    ("query", "cases"),
    [("category=apparel", 2), ("region=广东", 1), ("reason=quality", 3),
     ("reason=damaged", 0)],
)  # fmt: skip
def test_filters(stores, query, cases):
    assert get(f.manager(), query).json()["totals"]["cases"] == cases


def test_store_filter(stores):
    a, _b = stores
    body = get(f.manager(), f"group_by=region&store={a.pk}").json()
    assert [(r["key"], r["cases"]) for r in body["rows"]] == [("浙江", 2)]


@pytest.mark.parametrize(
    "query",
    ["store=999999", "store=abc", "category=toys", "region=火星", "reason=bored",
     "agent=nobody", "group_by=year", "date_from=2026-13-01", "store=",
     "date_from=2026-05-01&date_to=2026-04-01"],
)  # fmt: skip
def test_unknown_values_are_400(stores, query):
    r = get(f.manager(), query)
    assert r.status_code == 400, r.content


def test_far_dates_are_a_clear_400_never_a_500(stores):
    for group in ("day", "week", "month", "store"):
        r = get(
            f.manager(), f"group_by={group}&date_from=2026-01-01&date_to=2999-12-31"
        )
        assert r.status_code == 200
        assert r.json()["totals"]["cases"] == 3
    for far in ("date_to=9999-12-31", "date_from=0001-01-01"):
        r = get(f.manager(), f"{far}&group_by=week")
        assert r.status_code == 400
        assert r.json()["errors"]


@pytest.mark.parametrize(
    ("role", "status"),
    [("buyer", 403), ("agent", 200), ("supervisor", 200), ("manager", 200)],
)
def test_roles(stores, role, status):
    assert get(getattr(f, role)()).status_code == status


def test_merchants_see_only_their_stores(stores):
    a, b = stores
    body = get(a.owner, "group_by=store").json()
    assert [(r["key"], r["cases"]) for r in body["rows"]] == [(a.pk, 2)]
    assert get(a.owner, f"store={b.pk}").status_code == 400
    assert get(a.owner, "agent=agent1").status_code == 400


def test_anonymous_is_refused():
    assert client_for(None).get(URL).status_code in (401, 403)


def test_agent_grouping_names_the_agent(stores):
    body = get(f.manager(), "group_by=agent").json()
    assert body["rows"] == [
        {**body["rows"][0], "key": None, "label": body["rows"][0]["label"]}
    ]
    assert body["totals"]["orders"] is None  # orders have no agent
