"""Take next: one click hands the agent the most urgent free complaint."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from disputes import services
from disputes.models import Dispute, DisputeEvent
from tests import factories as f
from tests.conftest import postgres_only

TAKE_NEXT = "/admin/disputes/dispute/take-next/"
LIST = "/admin/disputes/dispute/"


NOW = timezone.now().replace(microsecond=0)


def complaint(*, due_in_hours: float, opened_days_ago: float = 1) -> Dispute:
    case = f.case_in_state("complaint").case
    Dispute.objects.filter(pk=case.pk).update(
        deadline_at=NOW + timedelta(hours=due_in_hours),
        opened_at=NOW - timedelta(days=opened_days_ago),
    )
    return case


@pytest.mark.django_db
def test_take_next_hands_the_nearest_pickup_target_and_opens_it(login):
    later = complaint(due_in_hours=20)
    sooner = complaint(due_in_hours=2)
    me = f.agent()
    response = login(me).post(TAKE_NEXT)
    taken = Dispute.objects.get(pk=sooner.pk)
    assert response.status_code == 302
    assert response.url == f"/admin/disputes/dispute/{sooner.pk}/change/"
    assert (taken.state, taken.assigned_to) == ("verification", me)
    assert Dispute.objects.get(pk=later.pk).state == "complaint"
    assert DisputeEvent.objects.filter(dispute=taken, action="take").count() == 1


@pytest.mark.django_db
def test_on_equal_targets_the_oldest_complaint_goes_first():
    newer = complaint(due_in_hours=5, opened_days_ago=1)
    older = complaint(due_in_hours=5, opened_days_ago=3)
    assert services.dispute_take_next(actor=f.agent()).pk == older.pk
    assert Dispute.objects.get(pk=newer.pk).assigned_to is None


@pytest.mark.django_db
def test_nothing_waiting_says_so_and_changes_nothing(login):
    busy = f.case_in_state("verification").case
    response = login(f.agent()).post(TAKE_NEXT, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert "No complaint is waiting" in response.content.decode()
    assert Dispute.objects.get(pk=busy.pk).version == busy.version


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 403), ("buyer", 302), ("merchant", 302), (None, 302)],
)
def test_only_agents_and_supervisors_take(login, role, status):
    waiting = complaint(due_in_hours=3)
    user = getattr(f, role)() if role else None
    response = login(user).post(TAKE_NEXT)
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith("/admin/login/")
    assert Dispute.objects.get(pk=waiting.pk).state == "complaint"


@pytest.mark.django_db
def test_get_does_not_take(login):
    waiting = complaint(due_in_hours=3)
    response = login(f.agent()).get(TAKE_NEXT)
    assert response.status_code == 302
    assert Dispute.objects.get(pk=waiting.pk).state == "complaint"


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["/admin/", LIST])
def test_the_button_is_on_the_home_and_the_list(login, page):
    body = login(f.agent()).get(page).content.decode()
    assert f'action="{TAKE_NEXT}"' in body
    body = login(f.manager()).get(page).content.decode()
    assert f'action="{TAKE_NEXT}"' not in body


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_agents_at_once_get_different_cases():
    cases = [complaint(due_in_hours=h) for h in (1, 2, 3)]
    agents = [f.agent(), f.agent()]
    barrier = threading.Barrier(len(agents))
    taken: list[int | None] = []
    lock = threading.Lock()

    def press(agent) -> None:
        try:
            barrier.wait()
            case = services.dispute_take_next(actor=agent)
            with lock:
                taken.append(case.pk if case else None)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(a,)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert None not in taken
    assert len(set(taken)) == 2
    assert set(taken) <= {c.pk for c in cases}
    assigned = Dispute.objects.filter(state="verification").values_list(
        "assigned_to", flat=True
    )
    assert sorted(assigned) == sorted(a.pk for a in agents)
