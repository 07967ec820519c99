"""Take next pressed twice (a double click, "n" twice) hands out one case."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from disputes import services
from disputes.models import Dispute, DisputeEvent
from disputes.services.queue import REPEAT_WINDOW
from tests import factories as f

TAKE_NEXT = "/admin/disputes/dispute/take-next/"


def complaints(count: int) -> list[Dispute]:
    return [f.case_in_state("complaint").case for _ in range(count)]


def takes() -> int:
    return DisputeEvent.objects.filter(action="take").count()


@pytest.mark.django_db
def test_a_second_press_within_seconds_opens_the_same_case():
    complaints(2)
    me = f.agent()
    first = services.dispute_take_next(actor=me)
    second = services.dispute_take_next(actor=me)
    assert second.pk == first.pk
    assert takes() == 1
    assert Dispute.objects.filter(state="complaint").count() == 1


@pytest.mark.django_db
def test_a_double_click_on_the_button_opens_one_case(login):
    complaints(2)
    me = f.agent()
    client = login(me)
    first, second = client.post(TAKE_NEXT), client.post(TAKE_NEXT)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    mine = Dispute.objects.get(assigned_to=me)
    assert first.url == f"/admin/disputes/dispute/{mine.pk}/change/"
    assert takes() == 1


def noted(case: Dispute, me) -> None:
    services.message_post(dispute=case, actor=me, body="已联系买家", internal=True)


def mediating(case: Dispute, me) -> None:
    services.dispute_start_mediation(dispute=case, actor=me)


def reassigned(case: Dispute, me) -> None:
    services.dispute_assign(dispute=case, actor=f.supervisor(), assignee=f.agent())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "between",
    [noted, mediating, reassigned],
    ids=["a note on the case", "an action on it", "reassigned to another agent"],
)
def test_a_press_after_the_case_was_touched_takes_the_next(between: Callable):
    complaints(2)
    me = f.agent()
    first = services.dispute_take_next(actor=me)
    between(first, me)
    second = services.dispute_take_next(actor=me)
    assert second.pk != first.pk
    assert Dispute.objects.filter(state="complaint").count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("seconds", "same"), [(4, True), (6, False)])
def test_the_repeat_window_is_five_seconds(seconds, same):
    complaints(2)
    me = f.agent()
    first = services.dispute_take_next(actor=me)
    with time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False):
        second = services.dispute_take_next(actor=me)
    assert (second.pk == first.pk) is same
    assert takes() == (1 if same else 2)
    assert timedelta(seconds=5) == REPEAT_WINDOW


@pytest.mark.django_db
def test_another_agents_press_is_not_a_repeat():
    complaints(2)
    mine = services.dispute_take_next(actor=f.agent())
    theirs = services.dispute_take_next(actor=f.agent())
    assert theirs.pk != mine.pk
    assert takes() == 2


@pytest.mark.django_db
def test_a_supervisor_who_assigned_a_case_still_takes_one_for_themselves():
    waiting = complaints(2)
    boss = f.supervisor()
    services.dispute_take(dispute=waiting[0], actor=boss, assignee=f.agent())
    mine = services.dispute_take_next(actor=boss)
    assert mine.pk == waiting[1].pk
    assert mine.assigned_to == boss


@pytest.mark.django_db(transaction=True)
def test_presses_at_the_same_moment_take_one_case_on_any_database():
    complaints(3)
    me = f.agent()
    presses = 4
    barrier = threading.Barrier(presses)
    taken: list[object] = []
    lock = threading.Lock()

    def press() -> None:
        try:
            barrier.wait()
            case = services.dispute_take_next(actor=me)
            outcome: object = case.pk if case else None
        except Exception as exc:
            outcome = type(exc).__name__
        finally:
            connection.close()
        with lock:
            taken.append(outcome)

    threads = [threading.Thread(target=press) for _ in range(presses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    mine = Dispute.objects.get(assigned_to=me)
    assert taken == [mine.pk] * presses
    assert takes() == 1
    assert Dispute.objects.filter(state="complaint").count() == 2
