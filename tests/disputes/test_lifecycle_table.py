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
from disputes.models import Evidence
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
    "concede": {"merchant"},
    "decline_proposal": {"buyer", "merchant"},
    "ship_return": {"buyer"},
    "confirm_return": {"merchant"},
    "refuse_return": {"merchant"},
    "ship_replacement": {"merchant"},
    "confirm_replacement": {"buyer"},
}
GOODS_ACTIONS = [
    "concede", "decline_proposal", "ship_return", "confirm_return",
    "refuse_return", "ship_replacement", "confirm_replacement",
]  # fmt: skip
# The goods scenarios are crossed with the goods actions and these (every
# other action is refused by its source states, which the first scenarios try).
GOODS_COLUMNS = [*GOODS_ACTIONS, "accept", "withdraw", "appeal", "uphold", "overturn"]
CONCEDE = {"concede": {"merchant": "closed/agreed"}}

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
        **CONCEDE,
        "take": {
            "agent": "verification",
            "other_agent": "verification",
            "supervisor": "verification",
        },
        "withdraw": {"buyer": "closed/withdrawn"},
    },
    "verification": {
        **HANDLING,
        **CONCEDE,
        "start_mediation": {
            "agent": "mediation",
            "supervisor": "mediation",
            "other_agent": 403,
        },
    },
    "mediation": {**MEDIATING, **CONCEDE},
    "mediation_proposed": {
        **MEDIATING,
        **CONCEDE,
        "accept_proposal": {"buyer": "mediation", "merchant": "mediation"},
        "decline_proposal": {"buyer": "mediation", "merchant": "mediation"},
    },
    "ruled": {"appeal": {"buyer": "appeal", "merchant": "appeal"}},
    "appeal": {
        "uphold": {"supervisor": "closed/upheld"},
        "overturn": {"supervisor": "closed/overturned"},
    },
    "closed": {},
}
# Goods (DESIGN.md "Goods as well as money"): where the goods are decides.
GOODS_TABLE: dict[str, dict[str, dict[str, str | int]]] = {
    # A return agreed in negotiation: the buyer ships.
    "returning_await": {"ship_return": {"buyer": "returning"}},
    "returning_transit": {
        "confirm_return": {"merchant": "closed/agreed"},
        "refuse_return": {"merchant": "complaint"},
    },
    # An exchange agreed, its goods received: the merchant ships the new one.
    "returning_replace": {"ship_replacement": {"merchant": "returning"}},
    "returning_replshipped": {"confirm_replacement": {"buyer": "closed/agreed"}},
    # A ruling for the buyer with a return: ships at once, either may appeal.
    "returning_ruled": {
        "ship_return": {"buyer": "returning"},
        "appeal": {"buyer": "appeal", "merchant": "appeal"},
    },
    "returning_ruledtransit": {
        "confirm_return": {"merchant": "ruled"},  # the appeal window still runs
        "refuse_return": {"merchant": "appeal"},  # ruled before: a supervisor
        "appeal": {"buyer": "appeal", "merchant": "appeal"},
    },
    "appeal_goods": {
        "uphold": {"supervisor": "returning"},
        "overturn": {"supervisor": "closed/overturned"},
    },
    # A proposal on a return case accepted by both leads into returning.
    "mediation_returnproposed": {
        **MEDIATING,
        "concede": {"merchant": "returning"},
        "decline_proposal": {"buyer": "mediation", "merchant": "mediation"},
    },
}
SCENARIOS = {**TABLE, **GOODS_TABLE}


def expected(scenario: str, action: str, role: str) -> str | int:
    if role not in WHO[action]:
        return 403
    cell = SCENARIOS[scenario].get(action, {}).get(role, 409)
    return scenario.split("_")[0] if cell == "=" else cell


def build(scenario: str):
    if scenario in GOODS_TABLE:
        return build_goods(scenario)
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


PARCEL = {"carrier": "SF", "tracking_number": "SF1234567890123"}


def merchant_evidence(story) -> None:
    Evidence.objects.create(
        dispute=story.case, uploaded_by=story.merchant, party="merchant",
        file="evidence/x.jpg", original_name="x.jpg", content_type="image/jpeg",
        extension="jpg", size=10, sha256="0" * 64,
    )  # fmt: skip


def build_goods(scenario: str):
    if scenario == "appeal_goods":
        story = build_goods("returning_ruled")
        services.dispute_appeal(
            dispute=story.case, actor=story.merchant, reason="新证据"
        )
        story.refresh()
        return story
    if scenario == "mediation_returnproposed":
        story = case_in_state("mediation", remedy="return_refund")
        services.dispute_propose(
            dispute=story.case, actor=story.agent, amount=D("80.00"), note="退货退款"
        )
        story.refresh()
        return story
    ruled = scenario.startswith("returning_ruled")
    remedy = "resend" if "repl" in scenario else "return_refund"
    story = case_in_state("mediation" if ruled else "negotiation", remedy=remedy)
    if ruled:
        services.dispute_rule(
            dispute=story.case, actor=story.agent, outcome="buyer",
            liability="merchant", amount=D("100.00"), remedy="return_refund",
            rule=story.rule, reasoning="质量问题，退货退款",
        )  # fmt: skip
    else:
        services.dispute_accept(dispute=story.case, actor=story.merchant)
    story.refresh()
    if "transit" in scenario:
        services.dispute_ship_return(dispute=story.case, actor=story.buyer, **PARCEL)
        merchant_evidence(story)
    if scenario == "returning_replshipped":
        services.dispute_ship_replacement(
            dispute=story.case, actor=story.merchant, carrier="ZTO",
            tracking_number="75123456789012",
        )  # fmt: skip
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
        "ship_return": PARCEL,
        "ship_replacement": PARCEL,
        "refuse_return": {"preset": "used", "reason": "商品已使用"},
        "decline_proposal": {"note": "金额太低"},
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
] + [
    (scenario, action, role)
    for scenario in GOODS_TABLE
    for action in GOODS_COLUMNS
    for role in ROLES
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
