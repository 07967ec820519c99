"""The queue: home counts, filters, search by the shape of the term, ordering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core import pages
from core.admin import CappedCountPaginator
from core.pages import COUNT_CAP
from disputes.models import Dispute
from tests import factories as f
from workbench import queues as workbench

pytestmark = pytest.mark.django_db

LIST = "/admin/disputes/dispute/"


def numbers(response) -> list[str]:
    return [case.number for case in response.context["cl"].result_list]


def test_home_counts_link_to_their_lists(login):
    me = f.agent()
    waiting = f.case_in_state("complaint")
    mine = f.case_in_state("verification")
    Dispute.objects.filter(pk=mine.case.pk).update(
        assigned_to=me, deadline_at=timezone.now() + timedelta(hours=2)
    )
    late = f.case_in_state("mediation")
    Dispute.objects.filter(pk=late.case.pk).update(
        deadline_at=timezone.now() - timedelta(hours=1)
    )
    f.case_in_state("appeal")
    client = login(me)
    counts = {c.key: c for c in workbench.home_counts(me)}
    assert {k: c.count for k, c in counts.items()} == {
        "unassigned": 1, "mine": 1, "due_soon": 1, "overdue": 1, "appeals": 1,
    }  # fmt: skip
    assert numbers(client.get(counts["unassigned"].query)) == [waiting.case.number]
    assert numbers(client.get(counts["mine"].query)) == [mine.case.number]
    assert numbers(client.get(counts["due_soon"].query)) == [mine.case.number]
    assert numbers(client.get(counts["overdue"].query)) == [late.case.number]
    home = client.get("/admin/")
    assert b'data-count="unassigned"' in home.content


def test_recent_activity_is_the_agents_own(login):
    story = f.case_in_state("verification")
    home = login(story.agent).get("/admin/")
    assert story.case.number.encode() in home.content


@pytest.mark.parametrize("term_of", [
    lambda c: c.number, lambda c: c.number.lower(), lambda c: c.order.number,
    lambda c: c.buyer.username, lambda c: c.store.name,
])  # fmt: skip
def test_search_by_shape(login, term_of):
    wanted, other = f.DisputeFactory(), f.DisputeFactory()
    found = numbers(login(f.agent()).get(LIST, {"q": term_of(wanted)}))
    assert wanted.number in found and other.number not in found


def test_search_never_scans_the_case_table_with_like():
    case = f.DisputeFactory()
    for term in (case.store.name, case.buyer.username, "小店"):
        sql = str(workbench.search_cases(Dispute.objects.all(), term).query)
        assert "LIKE" not in sql.upper()


def test_filters(login):
    me = f.agent()
    a = f.DisputeFactory(opened_at=timezone.now() - timedelta(days=10))
    b = f.DisputeFactory()
    Dispute.objects.filter(pk=b.pk).update(assigned_to=me, state="verification")
    f.StoreFactory._meta.model.objects.filter(pk=a.store_id).update(region="广东")
    client = login(me)
    assert numbers(client.get(LIST, {"assigned": "me"})) == [b.number]
    assert set(numbers(client.get(LIST, {"assigned": "unassigned"}))) == {a.number}
    assert numbers(client.get(LIST, {"region": "广东"})) == [a.number]
    assert numbers(client.get(LIST, {"state": "verification"})) == [b.number]
    day = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert numbers(client.get(LIST, {"opened_from": day, "opened_to": day})) == [
        a.number
    ]
    assert numbers(client.get(LIST, {"opened_from": "bad"})) != []


def test_nearest_deadline_first_nulls_last(login):
    now = timezone.now()
    late, soon, none = f.DisputeFactory(), f.DisputeFactory(), f.DisputeFactory()
    Dispute.objects.filter(pk=late.pk).update(deadline_at=now + timedelta(days=2))
    Dispute.objects.filter(pk=soon.pk).update(deadline_at=now + timedelta(hours=1))
    Dispute.objects.filter(pk=none.pk).update(deadline_at=None)
    assert numbers(login(f.agent()).get(LIST)) == [
        soon.number,
        late.number,
        none.number,
    ]


def test_list_settings_avoid_full_counts():
    from django.contrib import admin

    model_admin = admin.site._registry[Dispute]
    assert model_admin.show_full_result_count is False
    assert model_admin.show_facets is admin.ShowFacets.NEVER
    assert model_admin.paginator is CappedCountPaginator
    assert not model_admin.date_hierarchy


def test_the_paginator_stops_counting_at_the_cap(django_assert_num_queries):
    f.DisputeFactory.create_batch(3)
    paginator = CappedCountPaginator(Dispute.objects.order_by("pk"), 2)
    with django_assert_num_queries(1) as ctx:
        assert paginator.count == 3
    assert "LIMIT" in ctx.captured_queries[0]["sql"].upper()
    assert not paginator.capped and COUNT_CAP >= 1000


def test_home_counts_are_capped(login, monkeypatch):
    me = f.agent()
    for _ in range(3):
        f.case_in_state("complaint")
    monkeypatch.setattr(pages, "COUNT_CAP", 2)
    counts = {c.key: c for c in workbench.home_counts(me)}
    assert (counts["unassigned"].count, counts["unassigned"].capped) == (2, True)
    page = login(me).get("/admin/").content.decode()
    card = page.split('data-count="unassigned">', 1)[1]
    assert card.lstrip().startswith('<span class="wb-card-count">2+</span>')
