"""A read replica takes list and report reads; writes and reads after a write stay
on the primary. The "replica" here is a second alias on the same test database."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from config.routers import (
    PIN_COOKIE,
    REPLICA,
    ReplicaRouter,
    primary_reads,
    replica_reads,
    replica_view,
)
from disputes.models import Dispute
from tests import factories as f

# Test settings define "replica" as a mirror of the test database, so a
# committed write is visible on both, as on a real replica that caught up.
REPLICA_DB = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture
def replica(settings):
    settings.REPLICA_READS = True
    return REPLICA


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def case_queries(
    ctx: CaptureQueriesContext, table: str = "disputes_dispute"
) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if table in q["sql"]]


def get_both(client: Client, url: str, **extra):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as copy,
    ):
        response = client.get(url, **extra)
    assert response.status_code == 200, response.content[:300]
    return response, primary, copy


def test_without_a_replica_every_read_goes_to_the_primary(db):
    assert not settings.REPLICA_READS
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Dispute) == "default"
    assert router.db_for_write(Dispute) == "default"


def test_the_lists_and_reports_are_the_views_that_may_read_the_replica():
    assert replica_view("v1:dispute-list")
    assert replica_view("reports:intervention")
    assert replica_view("reports:anything-new")
    assert replica_view("admin:disputes_dispute_changelist")
    assert not replica_view("v1:dispute-detail")
    assert not replica_view("v1:dispute-run-action")
    assert not replica_view("admin:disputes_dispute_change")


@REPLICA_DB
def test_reads_in_scope_go_to_the_replica_until_something_is_written(replica):
    router = ReplicaRouter()
    with replica_reads() as reads:
        assert router.db_for_read(Dispute) == REPLICA
        assert router.db_for_write(Dispute) == "default"
        assert reads.wrote
        assert router.db_for_read(Dispute) == "default"
    with primary_reads():
        assert router.db_for_read(Dispute) == "default"
    assert router.db_for_read(Dispute) == "default"  # no scope: the primary


@REPLICA_DB
def test_reads_inside_a_transaction_stay_on_the_primary(replica):
    router = ReplicaRouter()
    with replica_reads(), transaction.atomic():
        assert router.db_for_read(Dispute) == "default"


@REPLICA_DB
def test_migrations_run_on_the_primary_only(replica):
    router = ReplicaRouter()
    assert router.allow_migrate("default", "disputes")
    assert not router.allow_migrate(REPLICA, "disputes")


@REPLICA_DB
@pytest.mark.parametrize(
    "url", ["/api/v1/disputes/", "/admin/disputes/dispute/", "/reports/"]
)
def test_list_and_report_pages_read_cases_from_the_replica(replica, url):
    case = f.case_in_state("complaint").case
    user = f.manager() if url.startswith("/reports/") else f.agent()
    response, primary, copy = get_both(signed_in(user), url)
    # The reports read the rollups, never the case table.
    table = "reports_rollup" if url.startswith("/reports/") else "disputes_dispute"
    assert case_queries(copy, table), "the cases were read from the replica"
    assert not case_queries(primary, table), case_queries(primary, table)
    assert PIN_COOKIE not in response.cookies
    if not url.startswith("/reports/"):
        assert case.number in response.content.decode()  # the replica has it


@REPLICA_DB
def test_a_case_page_reads_from_the_primary(replica):
    case = f.case_in_state("complaint").case
    _, primary, copy = get_both(
        signed_in(f.agent()), f"/api/v1/disputes/{case.number}/"
    )
    assert case_queries(primary) and not copy.captured_queries


@REPLICA_DB
def test_after_a_write_the_same_browser_reads_from_the_primary(replica):
    story = f.case_in_state("negotiation")
    buyer = signed_in(story.case.buyer)
    with CaptureQueriesContext(connections[REPLICA]) as copy:
        posted = buyer.post(
            f"/api/v1/disputes/{story.case.number}/messages/",
            {"body": "Still broken."},
            content_type="application/json",
        )
    assert posted.status_code == 201, posted.content
    assert not copy.captured_queries
    assert PIN_COOKIE in posted.cookies  # the test client keeps it
    _, primary, copy = get_both(buyer, "/api/v1/disputes/")
    assert case_queries(primary) and not case_queries(copy)
