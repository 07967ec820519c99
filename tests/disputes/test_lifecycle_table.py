"""The lifecycle as a table: every scenario x action x role, allowed or refused.

A cell is the state (and resolution) the case ends in, or the error status:
403 the role (or this person) may not, 409 not available in this state.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.utils import timezone

from core.errors import ApplicationError
from disputes import services
from disputes.actions import ACTIONS, USER_ACTIONS, ActionName
from disputes.models import Evidence
from disputes.services._core import refusal
from disputes.services.deadlines import apply_due_deadlines
from orders.models import Refund
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
    refunds_before = Refund.objects.filter(dispute=before).count()
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
    refunds_made = Refund.objects.filter(dispute=before).count() - refunds_before
    # Only an action declared to move money (`Action.moves_money`) makes a
    # refund or compensation row (MONEY_CELLS below: each of them does).
    assert refunds_made == 0 or ACTIONS[ActionName(action)].moves_money
    if isinstance(want, int):
        assert got == want
        assert (after.state, after.version, after.resolution) == (
            before.state,
            before.version,
            before.resolution,
        )
        assert after.events.count() == events_before
        assert refunds_made == 0
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


# The deadline worker on a merchant silent past the response deadline, per
# remedy and the policy's `silent_merchant_action`: the system action, the
# state (and resolution) and goods step after it, the amount held for the
# goods and the refund paid at once. A claim that moves goods is taken as
# the merchant accepting it (商家超时未处理，系统视为同意) and goes on as after
# `accept`; a money-only claim keeps its immediate refund.
SILENT_TABLE = {
    ("complaint", "refund_only", "100.00"): (
        "auto_escalate", "complaint", "", None, "0.00"),
    ("complaint", "return_refund", "100.00"): (
        "auto_escalate", "complaint", "", None, "0.00"),
    ("auto_refund", "refund_only", "100.00"): (
        "auto_refund", "closed/auto_refunded", "", None, "100.00"),
    ("auto_refund", "return_refund", "100.00"): (
        "auto_accept", "returning", "awaiting_return", "100.00", "0.00"),
    ("auto_refund", "exchange", "0.00"): (
        "auto_accept", "returning", "awaiting_return", None, "0.00"),
    ("auto_refund", "resend", "0.00"): (
        "auto_accept", "returning", "awaiting_replacement", None, "0.00"),
    ("auto_refund", "resend", "30.00"): (
        "auto_accept", "returning", "awaiting_replacement", "30.00", "0.00"),
}  # fmt: skip


def silent_case(policy: str, remedy: str, amount: str, settings):
    settings.DISPUTE_POLICY = {
        **settings.DISPUTE_POLICY,
        "silent_merchant_action": policy,
    }
    return case_in_state("negotiation", remedy=remedy, amount=amount)


def past_the_response_deadline():
    return time_machine.travel(timezone.now() + timedelta(hours=49))


@pytest.mark.django_db
@pytest.mark.parametrize(("policy", "remedy", "amount"), list(SILENT_TABLE))
def test_silent_merchant_row(policy, remedy, amount, settings, published):
    action, want, step, held, refunded = SILENT_TABLE[(policy, remedy, amount)]
    story = silent_case(policy, remedy, amount, settings)
    published.clear()
    with past_the_response_deadline():
        assert apply_due_deadlines()["silent"] == 1
        assert apply_due_deadlines()["silent"] == 0  # applied once
    case = story.refresh()
    state, _, resolution = want.partition("/")
    assert (case.state, case.resolution, case.return_step) == (state, resolution, step)
    assert case.held_amount == (D(held) if held else None)
    assert case.refunded_amount == D(refunded)
    assert sum(r.amount for r in Refund.objects.filter(dispute=case)) == D(refunded)
    assert case.merchant_response == ""  # the merchant never answered
    assert (case.step_due_at is not None) == (state == "returning")
    last = case.events.last()
    assert (last.action, last.actor_id, last.actor_role, last.from_state) == (
        action, None, "system", "negotiation",
    )  # fmt: skip
    assert [event.pk for event in published] == [last.pk]


# Which system action the transitions allow on a silent merchant's claim
# (checked as the services check it; None: allowed, else the refusal).
SILENT_EDGES = {
    "refund_only": {"auto_refund": None, "auto_accept": "CONDITION"},
    "return_refund": {"auto_refund": "CONDITION", "auto_accept": None},
    "exchange": {"auto_refund": "CONDITION", "auto_accept": None},
    "resend": {"auto_refund": "CONDITION", "auto_accept": None},
}


@pytest.mark.django_db
@pytest.mark.parametrize("remedy", list(SILENT_EDGES))
def test_silent_merchant_edges(remedy):
    amount = "0.00" if remedy in ("exchange", "resend") else "100.00"
    story = case_in_state("negotiation", remedy=remedy, amount=amount)
    for action in ("auto_refund", "auto_accept"):
        assert refusal(story.case, None, ActionName(action)).name == "CONDITION"
    with past_the_response_deadline():
        for action, want in SILENT_EDGES[remedy].items():
            why = refusal(story.case, None, ActionName(action))
            assert (why.name if why else None) == want, action
            # Never for a person, whoever they are.
            assert refusal(story.case, story.merchant, ActionName(action)).name == (
                "ROLE"
            )


# Each user action declared to move money (`Action.moves_money`), in a cell
# where it does: (scenario, who runs it, who accepted a proposal before).
MONEY_CELLS = {
    "accept": ("negotiation", "merchant", ""),
    "accept_offer": ("negotiation_offered", "buyer", ""),
    "accept_proposal": ("mediation_proposed", "merchant", "buyer"),
    "rule": ("verification", "agent", ""),
    "overturn": ("appeal", "supervisor", ""),
    "concede": ("complaint", "merchant", ""),
    "confirm_return": ("returning_transit", "merchant", ""),
    # A resend agreed with an amount: held until the buyer confirms.
    "confirm_replacement": ("returning_replshipped", "buyer", ""),
}


def test_the_money_cells_are_the_money_moving_actions():
    assert set(MONEY_CELLS) == {
        str(name) for name in USER_ACTIONS if ACTIONS[name].moves_money
    }


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(MONEY_CELLS))
def test_a_money_moving_action_makes_its_refund(action):
    scenario, role, first = MONEY_CELLS[action]
    story = build(scenario)
    story.other_agent = agent()
    if first:
        services.dispute_accept_proposal(dispute=story.case, actor=story.buyer)
        story.refresh()
    actor = getattr(story, role)
    before = list(Refund.objects.values_list("pk", flat=True))
    services.perform(
        services.action_inputs(ActionName(action), kwargs_for(action, story)),
        dispute=story.case,
        actor=actor,
    )
    made = Refund.objects.filter(dispute=story.case).exclude(pk__in=before)
    assert made.count() == 1
    assert made.get().note == {"accept_proposal": "mediated", "rule": "ruling"}.get(
        action, "compensation" if action == "overturn" else action
    )
