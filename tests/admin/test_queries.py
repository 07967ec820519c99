"""The case list and the case page cost the same number of queries at any size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes.models import Dispute
from tests import factories as f

pytestmark = pytest.mark.django_db


def queries(client, url) -> tuple[int, list[str]]:
    client.get(url)  # warm the per-process caches (content types)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), [q["sql"] for q in ctx.captured_queries]


def grow_cases(n: int, *, agent) -> None:
    """n raw cases, a third of them assigned to the agent, spread over states."""
    while Dispute.objects.count() < n:
        i = Dispute.objects.count()
        case = f.DisputeFactory()
        if i % 3 == 0:
            Dispute.objects.filter(pk=case.pk).update(
                state="verification", assigned_to=agent
            )


@pytest.mark.parametrize("url", [
    "/admin/disputes/dispute/",
    "/admin/disputes/dispute/?state=open&assigned=me",
    "/admin/disputes/dispute/?due=overdue&region=浙江",
    "/admin/",
])  # fmt: skip
def test_case_list_queries_do_not_grow(login, url):
    agent = f.agent()
    client = login(agent)
    grow_cases(10, agent=agent)
    small, _ = queries(client, url)
    grow_cases(200, agent=agent)
    large, sql = queries(client, url)
    assert small == large, sql
    assert not any(
        "COUNT(" in q.upper() and "LIMIT" not in q.upper() and "disputes_dispute" in q
        and "WHERE" not in q.upper() for q in sql
    ), "a full-table count"  # fmt: skip


def _crowd(story, n: int) -> None:
    """n cases by the same buyer and at the same store, and n timeline entries."""
    case = story.case
    while Dispute.objects.filter(buyer=case.buyer).count() < n:
        order = f.OrderFactory(buyer=case.buyer, store=case.store)
        f.DisputeFactory(order=order, state="closed", resolution="agreed")
    while case.events.count() < n:
        message = f.MessageFactory(dispute=case)
        f.DisputeEventFactory(dispute=case, action="message", message=message,
                              actor=case.buyer, actor_role="buyer")  # fmt: skip


def test_case_page_queries_do_not_grow(login):
    story = f.case_in_state("mediation")
    client = login(story.agent)
    url = f"/admin/disputes/dispute/{story.case.pk}/change/"
    _crowd(story, 10)
    small, _ = queries(client, url)
    _crowd(story, 200)
    large, sql = queries(client, url)
    assert small == large, sql
    page = client.get(url)
    assert page.context["history"]["buyer"]["total"] == 199
    assert len(page.context["timeline"]) == 200


@pytest.mark.parametrize("url", ["/admin/disputes/ruling/", "/admin/disputes/appeal/"])
def test_ruling_and_appeal_lists_count_at_most_the_cap(login, url):
    """Their count stops at COUNT_CAP + 1 rows (a LIMIT), and the page costs
    the same number of queries for 1 record as for 3 (issue 25)."""
    f.case_in_state("appeal")
    client = login(f.agent())
    small, _ = queries(client, url)
    f.case_in_state("appeal")
    f.case_in_state("appeal")
    large, sql = queries(client, url)
    assert small == large == 8, sql
    table = "disputes_ruling" if "ruling" in url else "disputes_appeal"
    counts = [q for q in sql if "COUNT(" in q.upper() and table in q]
    assert len(counts) == 1 and "LIMIT" in counts[0].upper(), counts
