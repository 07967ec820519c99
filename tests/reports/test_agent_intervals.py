"""Agent consistency with intervals: a gap is flagged only when the team's rate
lies outside the agent's 95 % Wilson interval — on the page, in the CSV file
and in the API.

One reason (quality), so "the team, same reasons" is the team's rate. Rulings
this month, each case closed or ruled by the agent shown:

| agent | rulings | for the buyer | appeals | overturned |
|---|---:|---:|---:|---:|
| agent1 | 17 | 9 (52.94 %) | 3 | 2 (66.67 %) |
| agent2 | 60 | 27 (45 %) | 7 | 1 (14.29 %) |
| agent3 | 23 | 2 (8.70 %) | 0 | 0 |
| team | 100 | 38 (38 %) | 10 | 3 (30 %) |

Wilson 95 % (z = 1.96): 9/17 → 30.96–73.84 %, 27/60 → 33.09–57.51 %,
2/23 → 2.42–26.80 %; 2/3 → 20.77–93.85 %, 1/7 → 2.57–51.31 %.
agent1 is 14.94 points above the team on 17 rulings, inside chance; agent3
29.30 below on 23, outside it: only agent3's buyer-win gap is clear.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from reports.analysis import agent_consistency
from reports.selectors import Query
from tests.factories import DisputeFactory, StoreFactory, agent, manager

pytestmark = pytest.mark.django_db


def ruled(handler, store, *, for_buyer: bool, appeal: str = "") -> None:
    """A ruled case of `handler`; `appeal`: "", "upheld" or "overturned"."""
    now = timezone.now()
    DisputeFactory(
        order__store=store,
        assigned_to=handler,
        opened_at=now,
        intervened_at=now,
        taken_at=now,
        ruled_at=now,
        state="closed" if appeal else "ruled",
        resolution=appeal,
        outcome="buyer" if for_buyer else "merchant",
        liability="merchant" if for_buyer else "none",
    )


@pytest.fixture
def agents():
    people, store = {}, StoreFactory()
    for name, rulings, wins, upheld, overturned in [
        ("agent1", 17, 9, 1, 2),
        ("agent2", 60, 27, 6, 1),
        ("agent3", 23, 2, 0, 0),
    ]:
        people[name] = handler = agent(username=name)
        appeals = ["overturned"] * overturned + ["upheld"] * upheld
        for i in range(rulings):
            # the appealed rulings are among those for the merchant
            appeal = appeals[i - wins] if wins <= i < wins + len(appeals) else ""
            ruled(handler, store, for_buyer=i < wins, appeal=appeal)
    return people


def _rows() -> dict[str, dict]:
    rows = agent_consistency(Query(group_by="agent"), named=True)["rows"]
    return {row["username"]: row for row in rows}


def test_each_rate_has_its_interval_and_a_gap_is_clear_only_outside_it(agents):
    rows = _rows()
    got = {
        name: (r["rulings"], r["buyer_win_rate"], r["buyer_win_low"],
               r["buyer_win_high"], r["team_buyer_win_rate"], r["buyer_win_gap"],
               r["buyer_win_differs"])
        for name, r in rows.items()
    }  # fmt: skip
    assert got == {
        "agent1": (17, 0.5294, 0.3096, 0.7384, 0.38, 0.1494, False),
        "agent2": (60, 0.45,   0.3309, 0.5751, 0.38, 0.07,   False),
        "agent3": (23, 0.087,  0.0242, 0.268,  0.38, -0.293, True),
    }  # fmt: skip
    overturns = {
        name: (r["appeals"], r["overturn_rate"], r["overturn_low"],
               r["overturn_high"], r["team_overturn_rate"], r["overturn_differs"])
        for name, r in rows.items()
    }  # fmt: skip
    assert overturns == {
        "agent1": (3, 0.6667, 0.2077, 0.9385, 0.3, False),
        "agent2": (7, 0.1429, 0.0257, 0.5131, 0.3, False),
        "agent3": (0, None,   None,   None,   None, False),
    }  # fmt: skip


def test_the_page_csv_and_api_show_the_intervals(client, agents):
    client.force_login(manager())
    # The page: both ranges; agent3's gap marked clear in the chart and table.
    html = client.get("/reports/agents/").content.decode()
    assert html.count('class="gap-clear"') == 2
    assert "2.4 % – 26.8 %" in html and "31.0 % – 73.8 %" in html
    # The CSV file: the old columns first, the intervals added at the end.
    response = client.get("/reports/agents/?format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text))
    assert header[:4] == ["Agent", "Cases opened", "Rulings", "Appeals"]
    assert header[12:] == [
        "Buyer-win rate: lowest likely", "Buyer-win rate: highest likely",
        "Buyer-win rate differs clearly", "Overturn rate: lowest likely",
        "Overturn rate: highest likely", "Overturn rate differs clearly",
    ]  # fmt: skip
    agent3 = next(row for row in rows if row[0] == "agent3")
    assert agent3[12:] == ["0.0242", "0.268", "Yes", "", "", "No"]
    # The API: the same rows by username.
    body = client.get("/api/v1/reports/agents/").json()
    api = {row["agent"]: row for row in body["rows"]}
    assert list(api) == ["agent1", "agent2", "agent3"]
    assert (api["agent3"]["buyer_win_low"], api["agent3"]["buyer_win_differs"]) == (
        0.0242, True,
    )  # fmt: skip
    assert (api["agent1"]["buyer_win_gap"], api["agent1"]["buyer_win_differs"]) == (
        0.1494, False,
    )  # fmt: skip
    assert set(api["agent1"]) == {
        "agent", "label", "cases", "rulings", "appeals",
        "buyer_win_rate", "buyer_win_low", "buyer_win_high",
        "team_buyer_win_rate", "buyer_win_gap", "buyer_win_differs",
        "overturn_rate", "overturn_low", "overturn_high",
        "team_overturn_rate", "overturn_gap", "overturn_differs",
        "pickup_p50", "team_pickup_p50", "ruling_p50", "team_ruling_p50",
    }  # fmt: skip


def test_the_api_is_for_staff_and_checks_its_filters(client):
    client.force_login(agent())
    assert client.get("/api/v1/reports/agents/?reason=nonsense").status_code == 400
    client.force_login(DisputeFactory().buyer)
    assert client.get("/api/v1/reports/agents/").status_code == 403
