"""Each report page and endpoint reads a fixed, small number of queries,
however many cases there are (the figures come from the rollups)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes.models.policy import cached_versions
from tests.factories import DisputeFactory, StoreFactory, agent, case_in_state, manager

pytestmark = pytest.mark.django_db

# Pages with the filter form read the agents' role groups, then their members
# (two small index reads, not a join PostgreSQL misjudges).
PAGES = {
    "/reports/?date_from=2026-01-01&date_to=2026-12-31": 9,
    "/reports/breakdown/?group_by=store": 9,
    "/reports/breakdown/?group_by=agent&reason=quality": 10,
    "/reports/service/?group_by=week": 8,
    "/reports/outliers/": 10,
    "/reports/agents/": 9,
    "/api/v1/reports/summary/?group_by=category&date_from=2026-01-01": 7,
    "/api/v1/reports/intervention/?group_by=month": 4,
}


def _data(n: int) -> None:
    stores = [StoreFactory() for _ in range(3)]
    for i in range(n):
        DisputeFactory(order__store=stores[i % 3])
    case_in_state("appeal")


def _count(client, url: str) -> int:
    cached_versions()  # the policy versions: read once a minute per process
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", list(PAGES))
def test_query_count_does_not_grow_with_cases(client, url):
    user = manager()
    client.force_login(user)
    _data(3)
    few = _count(client, url)
    _data(12)
    agent()
    assert _count(client, url) == few == PAGES[url], url
