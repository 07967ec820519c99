"""Putting a case in an agent's hands: a waiting complaint is taken for them,
a case already taken is reassigned. The service decides which, from the
lifecycle; the workbench's bulk "assign" only asks it."""

from __future__ import annotations

import pytest

from core.errors import ActionNotPermitted, InvalidTransition
from disputes import services
from disputes.models import DisputeEvent
from disputes.services.platform import hand_over_action
from tests.factories import agent, case_in_state

pytestmark = pytest.mark.django_db

# state before → (the action the hand-over runs, the state after)
HANDED_OVER = {
    "complaint": ("take", "verification"),
    "verification": ("assign", "verification"),
    "mediation": ("assign", "mediation"),
}
# states no hand-over may touch → the refusal
REFUSED = {
    "negotiation": InvalidTransition,
    "ruled": InvalidTransition,
    "appeal": InvalidTransition,
    "closed": InvalidTransition,
}


@pytest.mark.parametrize("state", [*HANDED_OVER, *REFUSED])
def test_the_action_follows_the_lifecycle(state):
    story = case_in_state(state)
    expected = HANDED_OVER.get(state, ("assign", None))[0]
    assert hand_over_action(story.case) == expected


@pytest.mark.parametrize(("state", "result"), HANDED_OVER.items())
def test_a_supervisor_hands_the_case_to_an_agent(state, result):
    action, after = result
    story = case_in_state(state)
    someone = agent()
    services.dispute_hand_over(
        dispute=story.case, actor=story.supervisor, assignee=someone
    )
    case = story.refresh()
    assert (case.state, case.assigned_to) == (after, someone)
    last = DisputeEvent.objects.filter(dispute=case).latest("id")
    assert (last.action, last.subject) == (action, someone)


@pytest.mark.parametrize(("state", "error"), REFUSED.items())
def test_other_states_are_refused_and_nothing_changes(state, error):
    story = case_in_state(state)
    before = (story.case.version, story.case.assigned_to_id)
    with pytest.raises(error):
        services.dispute_hand_over(
            dispute=story.case, actor=story.supervisor, assignee=agent()
        )
    case = story.refresh()
    assert (case.version, case.assigned_to_id) == before


@pytest.mark.parametrize(
    ("state", "allowed"),
    [("complaint", True), ("verification", False), ("mediation", False)],
)
def test_an_agent_may_take_for_themself_but_not_reassign(state, allowed):
    story = case_in_state(state)
    me = agent()
    if allowed:
        services.dispute_hand_over(dispute=story.case, actor=me, assignee=me)
        assert story.refresh().assigned_to == me
    else:
        with pytest.raises(ActionNotPermitted):
            services.dispute_hand_over(dispute=story.case, actor=me, assignee=me)
        assert story.refresh().assigned_to != me
