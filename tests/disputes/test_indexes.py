"""Every case list the workbench and the API offer reads a page through an index.

The page query of each list (its filters and its ORDER BY … LIMIT) is taken
from a real request and explained by PostgreSQL with sequential scans and
sorts switched off: a list that has no index for its filter and order still
needs a "Seq Scan on disputes_dispute" or a full "Sort", and the test fails.
(At a million cases such a list costs 70–100 ms instead of well under one;
`bench/million.py` prints the same check against real data.)
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes.choices import Reason
from disputes.models import Dispute
from tests import factories as f
from tests.api.conftest import client_for
from tests.conftest import on_postgres

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not on_postgres(),
        reason="EXPLAIN plans are PostgreSQL's; SQLite has no such planner",
    ),
]

# (list, the index its page must be read through, when one is named)
WORKBENCH = [
    ("/admin/disputes/dispute/", "dispute_deadline"),
    ("/admin/disputes/dispute/?state=complaint&assigned=unassigned",
     "dispute_state_deadline"),
    ("/admin/disputes/dispute/?state=open&assigned=me", None),
    ("/admin/disputes/dispute/?state=appeal", "dispute_state_deadline"),
    ("/admin/disputes/dispute/?state=closed", "dispute_state_deadline"),
    ("/admin/disputes/dispute/?reason=quality", "dispute_reason_deadline"),
    ("/admin/disputes/dispute/?queue=priority", "dispute_priority_deadline"),
    ("/admin/disputes/dispute/?due=overdue", None),
    ("/admin/disputes/dispute/?due=soon&assigned=me", None),
    # ?o= numbers a column of list_display (1 = case number, 9 = deadline,
    # 10 = agent target, 11 = age); only those can be sorted (sortable_by).
    ("/admin/disputes/dispute/?o=-11", None),  # by age, newest first
    ("/admin/disputes/dispute/?o=11", None),
    ("/admin/disputes/dispute/?o=1", None),
    ("/admin/disputes/dispute/?o=10", None),
    ("/admin/disputes/dispute/?o=-9", "dispute_deadline"),  # latest deadline first
]  # fmt: skip
API = [
    ("/api/v1/disputes/", None),
    ("/api/v1/disputes/?state=complaint", "dispute_state_opened"),
    ("/api/v1/disputes/?state=closed", "dispute_state_opened"),
    ("/api/v1/disputes/?reason=quality", None),
    ("/api/v1/disputes/?store={store}", None),
    ("/api/v1/disputes/?assigned_to={agent}", "dispute_assigned_opened"),
    ("/api/v1/disputes/?opened_after=2026-01-01T00:00:00Z", None),
]
SORT = re.compile(r"(?<!Incremental )\bSort\b(?! Key)")


def page_queries(client, url: str) -> list[str]:
    """The queries of a request that read cases in an order (the page)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return [
        q["sql"]
        for q in ctx.captured_queries
        if 'FROM "disputes_dispute"' in q["sql"] and "ORDER BY" in q["sql"]
    ]


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def assert_indexed(client, url: str, index: str | None = None) -> None:
    queries = page_queries(client, url)
    assert queries, f"no page query for {url}"
    for sql in queries:
        text = plan(sql)
        assert "Seq Scan on disputes_dispute" not in text, f"{url}\n{text}"
        assert not SORT.search(text), f"{url} sorts every row\n{text}"
        if index:
            assert f"using {index} on disputes_dispute" in text, f"{url}\n{text}"


@pytest.fixture
def agent_with_cases():
    agent = f.agent()
    for state in ("complaint", "verification", "appeal"):
        f.case_in_state(state)
    return agent


@pytest.mark.parametrize(("url", "index"), WORKBENCH)
def test_workbench_lists_read_through_an_index(client, agent_with_cases, url, index):
    client.force_login(agent_with_cases)
    assert_indexed(client, url, index)


@pytest.mark.parametrize(("url", "index"), API)
def test_api_lists_read_through_an_index(agent_with_cases, url, index):
    store = f.StoreFactory()
    url = url.format(store=store.pk, agent=agent_with_cases.username)
    assert_indexed(client_for(agent_with_cases), url, index)


@pytest.mark.parametrize("role", ["buyer", "merchant"])
def test_a_partys_own_list_reads_through_an_index(role):
    story = f.case_in_state("negotiation")
    user = story.case.buyer if role == "buyer" else story.case.store.owner
    assert_indexed(client_for(user), "/api/v1/disputes/")


def tab_badge_queries(client, tab: str) -> list[str]:
    """The capped counts of the merchant's tab badges (no ORDER BY needed)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/disputes/?tab={tab}")
    assert response.status_code == 200, response.content[:300]
    return [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT COUNT(*)")
        and 'FROM "disputes_dispute"' in q["sql"]
    ]


def test_the_merchants_closed_tab_has_the_stores_closed_cases_index(client):
    """At a million cases the closed badge (`store = … AND state = 'closed'
    LIMIT 1000`, 124,000 matches) was read by a sequential scan; the index
    on (store, state, -opened_at, -id) answers it with an index-only scan
    and serves the closed tab's page in its order (docs/performance.md).
    On a test database every index costs the same, so the planner's choice
    among them is not checked here: the index's columns are, and that
    neither query scans the table or sorts it."""
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "disputes_dispute")
    index = indexes["dispute_store_state_opened"]
    assert index["columns"] == ["store_id", "state", "opened_at", "id"]
    assert index["orders"] == ["ASC", "ASC", "DESC", "DESC"]
    story = f.case_in_state("closed")
    client.force_login(story.case.store.owner)
    closed_badge = [
        sql for sql in tab_badge_queries(client, "closed") if "'closed'" in sql
    ]
    page = [
        sql
        for sql in page_queries(client, "/disputes/?tab=closed")
        if not sql.startswith("SELECT COUNT(*)")
    ]
    assert len(closed_badge) == 1
    assert len(page) == 1
    for sql in (*closed_badge, *page):
        text = plan(sql)
        assert "Seq Scan on disputes_dispute" not in text, text
        assert not SORT.search(text), text


def test_precedents_of_a_rare_reason_read_the_decided_cases_index():
    """A reason with too few decided cases borrows the most recent decided
    cases of the others: at a million cases that query sorted every decided
    case (1.2 s); it now walks the decided cases newest first."""
    from disputes.precedents import precedents_for

    f.case_in_state("ruled")  # decided, quality
    case = f.case_in_state("complaint").case
    Dispute.objects.filter(pk=case.pk).update(reason=Reason.OTHER)
    case.refresh_from_db()
    with CaptureQueriesContext(connection) as ctx:
        precedents_for(case)
    pools = [q["sql"] for q in ctx.captured_queries if "window_ids" in q["sql"]]
    assert pools
    for sql in pools:
        text = plan(sql)
        assert "Seq Scan on disputes_dispute" not in text, text
        assert "dispute_decided_recent" in text, text
