"""The lifecycle as a table: every scenario x action x role, allowed or refused.

A cell is the state (and resolution) the case ends in, or the error status:
403 the role (or this person) may not, 409 not available in this state.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from core.errors import ApplicationError
from disputes import services
from disputes.actions import ActionName
from tests.factories import agent, case_in_state, manager

ROLES = ["buyer", "merchant", "agent", "other_agent", "supervisor", "manager"]
AGENTS = {"agent", "other_agent", "supervisor"}

# Who may ever run each action (DESIGN.md, "who").
WHO = {
    "accept": {"merchant"},
    "offer": {"merchant"},
    "accept_offer": {"buyer"},
    "reject": {"merchant"},
    "request_intervention": {"buyer", "merchant"},
    "withdraw": {"buyer"},
    "take": AGENTS,
    "assign": {"supervisor"},
    "start_mediation": AGENTS,
    "propose": AGENTS,
    "accept_proposal": {"buyer", "merchant"},
    "request_evidence": AGENTS,
    "rule": AGENTS,
    "appeal": {"buyer", "merchant"},
    "uphold": {"supervisor"},
    "overturn": {"supervisor"},
}

NEGOTIATING = {
    "accept": {"merchant": "closed/agreed"},
    "offer": {"merchant": "negotiation"},
    "reject": {"merchant": "negotiation"},
    "withdraw": {"buyer": "closed/withdrawn"},
}
ANSWERED = {
    **NEGOTIATING,
    "request_intervention": {"buyer": "complaint", "merchant": "complaint"},
}
HANDLING = {
    "request_evidence": {"agent": "=", "supervisor": "=", "other_agent": 403},
    "rule": {"agent": "ruled", "supervisor": "ruled", "other_agent": 403},
    "assign": {"supervisor": "="},
    "withdraw": {"buyer": "closed/withdrawn"},
}
MEDIATING = {
    **HANDLING,
    "propose": {"agent": "mediation", "supervisor": "mediation", "other_agent": 403},
}
# "=" means the case stays in the state it was in.
TABLE: dict[str, dict[str, dict[str, str | int]]] = {
    "negotiation": NEGOTIATING,
    "negotiation_offered": {**ANSWERED, "accept_offer": {"buyer": "closed/agreed"}},
    "negotiation_rejected": ANSWERED,
    "complaint": {
        "take": {
            "agent": "verification",
            "other_agent": "verification",
            "supervisor": "verification",
        },
        "withdraw": {"buyer": "closed/withdrawn"},
    },
    "verification": {
        **HANDLING,
        "start_mediation": {
            "agent": "mediation",
            "supervisor": "mediation",
            "other_agent": 403,
        },
    },
    "mediation": MEDIATING,
    "mediation_proposed": {
        **MEDIATING,
        "accept_proposal": {"buyer": "mediation", "merchant": "mediation"},
    },
    "ruled": {"appeal": {"buyer": "appeal", "merchant": "appeal"}},
    "appeal": {
        "uphold": {"supervisor": "closed/upheld"},
        "overturn": {"supervisor": "closed/overturned"},
    },
    "closed": {},
}


def expected(scenario: str, action: str, role: str) -> str | int:
    if role not in WHO[action]:
        return 403
    cell = TABLE[scenario].get(action, {}).get(role, 409)
    return scenario.split("_")[0] if cell == "=" else cell


def build(scenario: str):
    state, _, variant = scenario.partition("_")
    story = case_in_state(state)
    if variant == "offered":
        services.dispute_offer(
            dispute=story.case, actor=story.merchant, amount=D("60.00"), note="退一部分"
        )
    elif variant == "rejected":
        services.dispute_reject(dispute=story.case, actor=story.merchant, reason="否")
    elif variant == "proposed":
        services.dispute_propose(
            dispute=story.case, actor=story.agent, amount=D("80.00"), note="各让一步"
        )
    story.refresh()
    return story


def kwargs_for(action: str, story) -> dict:
    return {
        "offer": {"amount": D("60.00"), "note": "部分退款"},
        "reject": {"reason": "商品无问题"},
        "assign": {"assignee": story.other_agent},
        "propose": {"amount": D("80.00"), "note": "建议部分退款"},
        "request_evidence": {"party": "buyer", "note": "请上传实物照片"},
        "rule": {
            "outcome": "buyer",
            "liability": "merchant",
            "amount": D("100.00"),
            "rule": story.rule,
            "reasoning": "商品存在质量问题",
        },
        "appeal": {"reason": "有新的物流证据"},
        "uphold": {"reasoning": "原裁定无误"},
        "overturn": {
            "outcome": "merchant",
            "liability": "none",
            "rule": story.rule,
            "reasoning": "新证据表明无质量问题",
        },
    }.get(action, {})


CELLS = [
    (scenario, action, role) for scenario in TABLE for action in WHO for role in ROLES
]


@pytest.mark.django_db
@pytest.mark.parametrize(("scenario", "action", "role"), CELLS)
def test_lifecycle_cell(scenario, action, role, published):  # conftest
    story = build(scenario)
    story.other_agent = agent()
    actor = {
        "buyer": story.buyer,
        "merchant": story.merchant,
        "agent": story.agent,
        "other_agent": story.other_agent,
        "supervisor": story.supervisor,
        "manager": manager(),
    }[role]
    before = story.case
    events_before = before.events.count()
    want = expected(scenario, action, role)
    published.clear()

    try:
        services.perform(
            services.action_inputs(ActionName(action), kwargs_for(action, story)),
            dispute=before,
            actor=actor,
        )
        got: str | int = "ok"
    except ApplicationError as exc:
        got = exc.status_code

    after = story.refresh()
    if isinstance(want, int):
        assert got == want
        assert (after.state, after.version, after.resolution) == (
            before.state,
            before.version,
            before.resolution,
        )
        assert after.events.count() == events_before
        assert published == []
    else:
        assert got == "ok"
        state, _, resolution = want.partition("/")
        assert (after.state, after.resolution) == (state, resolution)
        assert after.version == before.version + 1
        assert after.events.count() == events_before + 1
        last = after.events.last()
        assert (last.action, last.actor_id, last.from_state, last.to_state) == (
            action,
            actor.pk,
            before.state,
            after.state,
        )
        assert [event.pk for event in published] == [last.pk]  # published once
