"""Who may appeal, when, and only once — one rule, asked everywhere.

The `appeal` transition is the rule: a party of the case, from `ruled`,
while the appeal window is open. The service checks it (`case_action`), the
pages and the API ask it (`available_actions`), and the case page's "you may
appeal" says only what it answers. Once per case holds because nothing in
the lifecycle leads back to `ruled` after an appeal; the first test fails the
day a transition makes a second appeal possible.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from core.errors import InvalidTransition
from disputes import services
from disputes.choices import State
from disputes.models import Appeal, Dispute
from tests.api.conftest import act, client_for
from tests.factories import case_in_state, supervisor

MAY_APPEAL = "you may appeal once before the deadline"


def reachable_from(state: str) -> set[str]:
    """Every state the lifecycle can reach from `state` (django-fsm's graph)."""
    edges: dict[str, set[str]] = {}
    for t in Dispute._meta.get_field("state").get_all_transitions(Dispute):
        targets = getattr(t.target, "allowed_states", None) or [t.target]
        edges.setdefault(t.source, set()).update(str(s) for s in targets)
    seen, todo = set(), [state]
    while todo:
        for after in edges.get(todo.pop(), ()):
            if after not in seen:
                seen.add(after)
                todo.append(after)
    return seen


def test_nothing_leads_back_to_ruled_once_a_case_is_appealed():
    """Only a ruling, and the end of a ruled case's goods leg while its appeal
    window is open (the merchant keeps the right to appeal), lead into
    `ruled`; after an appeal the goods leg closes the case (`settles_as` is
    the appeal's decision), and `appeal` itself is guarded by
    `never_appealed` (tests/disputes/test_goods.py drives both)."""
    into_ruled = set()
    for t in Dispute._meta.get_field("state").get_all_transitions(Dispute):
        targets = getattr(t.target, "allowed_states", None) or [t.target]
        if State.RULED in targets:
            into_ruled.add(t.name)
    assert into_ruled == {
        "rule", "confirm_return", "auto_confirm_return", "confirm_replacement",
        "auto_confirm_replacement",
    }  # fmt: skip
    appeal = Dispute._meta.get_field("state").get_all_transitions(Dispute)
    guards = {c.__name__ for t in appeal if t.name == "appeal" for c in t.conditions}
    assert "never_appealed" in guards


@pytest.mark.django_db
def test_the_database_holds_one_appeal_per_case():
    story = case_in_state("appeal")
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.create(
            dispute=story.case, appellant=story.buyer, party="buyer", reason="再诉"
        )


def _uphold(story):
    services.dispute_uphold(dispute=story.case, actor=supervisor(), reasoning="维持")


def _overturn(story):
    services.dispute_overturn(
        dispute=story.case,
        actor=supervisor(),
        outcome="merchant",
        liability="none",
        rule=story.rule,
        reasoning="改判",
    )


# after the first appeal → what happened to it
AFTER_THE_APPEAL = {
    "under review": lambda story: None,
    "upheld": _uphold,
    "overturned": _overturn,
}


@pytest.mark.django_db
@pytest.mark.parametrize("then", AFTER_THE_APPEAL)
@pytest.mark.parametrize("who", ["buyer", "merchant"])
def test_a_second_appeal_is_refused_everywhere(then, who):
    story = case_in_state("appeal")  # the merchant appealed the buyer's win
    AFTER_THE_APPEAL[then](story)
    case = story.refresh()
    party = getattr(story, who)
    assert "appeal" not in services.available_actions(case, party)
    with pytest.raises(InvalidTransition):
        services.dispute_appeal(dispute=case, actor=party, reason="再诉")
    response = act(client_for(party), case.number, "appeal", reason="再诉")
    assert response.status_code == 409
    assert Appeal.objects.filter(dispute=case).count() == 1
    assert story.refresh().version == case.version


# minutes after the ruling's window closed (negative: still open) → may appeal
WINDOW = [(-60, True), (-1, True), (1, False), (60 * 24, False)]


@pytest.mark.django_db
@pytest.mark.parametrize(("minutes", "allowed"), WINDOW)
def test_the_window_decides_for_the_service_the_api_and_the_page(minutes, allowed):
    story = case_in_state("ruled")  # the buyer won; either party may appeal
    case = story.case
    at = case.appeal_deadline_at + timedelta(minutes=minutes)
    with time_machine.travel(at, tick=False):
        for party in (story.buyer, story.merchant):
            assert ("appeal" in services.available_actions(case, party)) is allowed
            page = Client()
            page.force_login(party)
            body = page.get(case.get_absolute_url()).content.decode()
            assert (MAY_APPEAL in body) is allowed
            assert ('data-action="appeal"' in body) is allowed
        response = act(
            client_for(story.merchant), case.number, "appeal", reason="新证据"
        )
    assert response.status_code == (200 if allowed else 409)
    assert Appeal.objects.filter(dispute=case).exists() is allowed


@pytest.mark.django_db
def test_staff_are_told_of_the_ruling_but_never_offered_an_appeal():
    story = case_in_state("ruled")
    page = Client()
    page.force_login(story.supervisor)
    body = page.get(story.case.get_absolute_url()).content.decode()
    assert "appeal" not in services.available_actions(story.case, story.supervisor)
    assert MAY_APPEAL not in body
    assert timezone.now() < story.case.appeal_deadline_at
