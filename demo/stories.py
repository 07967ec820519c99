"""Scripted case histories: which steps a demo case takes, and when.

A plan is pure data (no database): a list of steps, each at an offset from
the moment the case was opened, with every choice already made (who acts,
what they say, which file they upload), plus the deadline that governs the
state the plan ends in. Two executors play a plan: `replay` through the real
services (the default demo), `bulk` straight into rows (large data sets);
the equivalence test holds them to the same result.
"""

from __future__ import annotations

import itertools
import random
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from disputes.actions import ActionName
from disputes.policy import Policy

from . import lines, vocab
from .lines import Kit, Proof

CENT = Decimal("0.01")

# name: (weight, how the clock is placed). "closed": anywhere in the last
# ~120 days; "open": now falls before the current deadline (or soon after it
# when the history itself ran late); "due": now is past the deadline, so
# `apply_deadlines` or the workbench's overdue list has work.
SCENARIOS: dict[str, tuple[int, str]] = {
    "agreed_accept": (20, "closed"),
    "agreed_offer": (10, "closed"),
    "withdrawn": (9, "closed"),
    "auto_refunded": (3, "closed"),
    "mediated": (8, "closed"),
    "ruled": (10, "closed"),
    "upheld": (3, "closed"),
    "overturned": (2, "closed"),
    "negotiation": (8, "open"),
    "complaint": (4, "open"),
    "verification": (4, "open"),
    "mediation": (4, "open"),
    "ruled_open": (4, "open"),
    "appeal": (3, "open"),
    "negotiation_due": (1, "due"),
    "ruled_due": (1, "due"),
    "evidence_due": (1, "due"),
    "complaint_overdue": (1, "due"),
}
# Returns, exchanges and resends (DESIGN.md "Goods as well as money"): agreed
# by the merchant, or taken as agreed from a silent one, then as far as the
# goods go, so every goods step has cases (about 30 % of the claims). The
# first rounds (`NAMES`, the demo accounts' cases) stay money-only: the goods
# showcase (demo/goods.py) gives them theirs.
GOODS_SCENARIOS: dict[str, tuple[int, str]] = {
    "goods_awaiting_return": (6, "open"),
    "goods_return_in_transit": (5, "open"),
    "goods_awaiting_replacement": (4, "open"),
    "goods_replacement_in_transit": (3, "open"),
    "goods_returned": (10, "closed"),
    "goods_replaced": (6, "closed"),
    "goods_return_lapsed": (2, "closed"),
    "goods_return_auto_confirmed": (2, "closed"),
    "goods_return_refused": (2, "open"),
    "goods_silent_accepted": (2, "open"),
}
# The remedies each goods story may have (the first is the most common).
GOODS_REMEDIES_OF: dict[str, tuple[str, ...]] = {
    "goods_awaiting_return": ("return_refund", "return_refund", "exchange"),
    "goods_return_in_transit": ("return_refund", "return_refund", "exchange"),
    "goods_awaiting_replacement": ("exchange", "resend"),
    "goods_replacement_in_transit": ("exchange", "resend"),
    "goods_returned": ("return_refund",),
    "goods_replaced": ("exchange", "exchange", "resend"),
    "goods_return_lapsed": ("return_refund", "exchange"),
    "goods_return_auto_confirmed": ("return_refund",),
    "goods_return_refused": ("return_refund", "exchange"),
    "goods_silent_accepted": ("return_refund", "exchange", "resend"),
}
# The reasons a goods remedy is asked for.
GOODS_REASONS: dict[str, tuple[str, ...]] = {
    "return_refund": ("quality", "quality", "not_as_described", "damaged"),
    "exchange": ("quality", "not_as_described", "damaged", "damaged"),
    "resend": ("missing_parts",),
}
NAMES = list(SCENARIOS)
ALL_NAMES = [*SCENARIOS, *GOODS_SCENARIOS]
MODES = {name: mode for name, (_w, mode) in {**SCENARIOS, **GOODS_SCENARIOS}.items()}
CUM_WEIGHTS = list(
    itertools.accumulate(
        w for w, _mode in (*SCENARIOS.values(), *GOODS_SCENARIOS.values())
    )
)
COMPLAINT_WAYS = ["reject", "offer", "silent", "silent_buyer"]
COMPLAINT_CUM_WEIGHTS = list(itertools.accumulate([5, 2, 2, 1]))
MINUTE = timedelta(minutes=1)
# Shares of complaints picked up late and of rulings made slowly: the agents'
# targets (working hours) are missed in some of these, so the service-level
# figures are not all 100 %.
LATE_PICKUPS = 0.2
SLOW_RULINGS = 0.15


def weighted(rng: random.Random, population: list[str], cum_weights: list[int]) -> str:
    """`rng.choices(population, cum_weights=cum_weights)[0]`: the same draw.

    Without the general function's checks, which cost more than the draw.
    """
    at = rng.random() * cum_weights[-1]
    return population[bisect(cum_weights, at, 0, len(population) - 1)]


def pick_scenario(rng: random.Random, index: int) -> str:
    """The first cases cover every scenario twice; the rest follow the weights."""
    if index < 2 * len(NAMES):
        return NAMES[index % len(NAMES)]
    return weighted(rng, ALL_NAMES, CUM_WEIGHTS)


@dataclass
class Step:
    at: timedelta
    action: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Showcase:
    """What a showcase case has fixed instead of drawn: who handles it (when
    the platform takes it), its reason, the ruling's outcome."""

    handler: str = ""
    reason: str = ""
    outcome: str = ""


DRAWN = Showcase()  # nothing fixed: everything drawn


@dataclass
class Plan:
    rng: random.Random
    policy: Policy
    claim: Decimal
    total: Decimal
    kit: Kit
    remedy: str
    mode: str = "closed"
    steps: list[Step] = field(default_factory=list)
    t: timedelta = timedelta(0)
    deadline: timedelta | None = None
    due: timedelta | None = None
    taken: timedelta | None = None
    handler: str = ""
    judge: str = ""
    appellant: str = ""
    showcase: Showcase = DRAWN
    # The terms of the case's policy version for its store's category and
    # region: the goods steps' windows (`policy`: the category's settings).
    terms: Policy | None = None

    @property
    def goods(self) -> Policy:
        return self.terms or self.policy

    def hours(self, low: float, high: float) -> timedelta:
        return timedelta(hours=self.rng.uniform(low, high))

    def add(self, action: str, after: timedelta, **params) -> Step:
        self.t += max(after, MINUTE)
        step = Step(self.t, action, params)
        self.steps.append(step)
        return step

    def part(self, low: float, high: float, of: Decimal | None = None) -> Decimal:
        """A share of `of` (the claim by default), at least one cent."""
        base = self.claim if of is None else of
        value = (base * Decimal(str(self.rng.uniform(low, high)))).quantize(CENT)
        return max(value, CENT)

    def say(self, *options: tuple[str, ...]) -> str:
        """One line of `options` (several tuples: drawn from all of them)."""
        pool = options[0] if len(options) == 1 else sum(options, ())
        return self.rng.choice(pool)


def plan_case(
    rng: random.Random,
    scenario: str,
    policy: Policy,
    *,
    claim: Decimal,
    total: Decimal,
    reason: str,
    remedy: str,
    showcase: Showcase = DRAWN,
    terms: Policy | None = None,
) -> Plan:
    """The steps of one case for `reason` and `remedy` that ends in `scenario`."""
    kit = lines.KITS[reason]
    plan = Plan(rng, policy, claim, total, kit, remedy, mode=MODES[scenario])
    plan.showcase, plan.terms = showcase, terms
    plan.steps.append(Step(timedelta(0), "open"))
    plan.deadline = policy.merchant_response
    if rng.random() < 0.5:
        _evidence(plan, plan.hours(0.05, 2), "buyer")
    _SCRIPTS[scenario](plan, reason)
    return plan


def _evidence(
    p: Plan, after: timedelta, party: str, proof: Proof | None = None
) -> None:
    """The party uploads `proof` (else one of the kind its side brings)."""
    if proof is None:
        proof = p.rng.choice(
            p.kit.buyer_proof if party == "buyer" else p.kit.merchant_proof
        )
    p.add(
        "evidence",
        after,
        party=party,
        file=p.rng.choice(vocab.FILES_OF_KIND[proof.file]),
        description=proof.upload,
    )


# Negotiation between the parties.
def _merchant_answers(p: Plan) -> timedelta:
    return p.hours(1, p.policy.merchant_response_hours - 1)


def _maybe_chat(p: Plan, buyer: tuple[str, ...]) -> None:
    """The buyer says one of `buyer`, the merchant answers, now and then."""
    if p.rng.random() < 0.4:
        p.add("message", p.hours(0.2, 6), party="buyer", body=p.say(buyer))
    if p.rng.random() < 0.3:
        body = p.say(p.kit.merchant)
        p.add("message", p.hours(0.2, 6), party="merchant", body=body)


def _buyer_chases(p: Plan) -> None:
    if p.rng.random() < 0.6:
        p.add("message", p.hours(1, 12), party="buyer", body=p.say(lines.CHASES))


def _reject(p: Plan) -> None:
    p.add("reject", _merchant_answers(p), reason=p.say(p.kit.rejections))
    p.deadline = None


def _offer(p: Plan) -> None:
    note = p.say(lines.OFFERS[p.remedy])
    p.add("offer", _merchant_answers(p), amount=_below_claim(p), note=note)
    p.deadline = None


def _below_claim(p: Plan) -> Decimal:
    offer = p.part(0.3, 0.8)
    return offer if offer < p.claim else max(p.claim - CENT, CENT)


def _silent_until_deadline(p: Plan, after: timedelta) -> None:
    p.t = p.policy.merchant_response + after


def _to_complaint(p: Plan, reason: str = "") -> None:
    kind = weighted(p.rng, COMPLAINT_WAYS, COMPLAINT_CUM_WEIGHTS)
    if kind in ("reject", "offer"):
        (_reject if kind == "reject" else _offer)(p)
        _maybe_chat(p, p.kit.buyer if kind == "reject" else lines.OFFER_REFUSED)
        party = "merchant" if p.rng.random() < 0.1 else "buyer"
        p.add("request_intervention", p.hours(0.5, 30), party=party)
    elif kind == "silent":
        _silent_until_deadline(p, timedelta(minutes=p.rng.uniform(1, 15)))
        p.steps.append(Step(p.t, "auto_escalate"))
    else:
        _silent_until_deadline(p, p.hours(1, 20))
        p.steps.append(Step(p.t, "request_intervention", {"party": "buyer"}))
    p.deadline = p.t + p.policy.pickup_sla


# The platform.
def _take(p: Plan) -> None:
    """An agent picks the complaint up, or a supervisor hands it to one; now
    and then late (`LATE_PICKUPS`).

    Now and then supervisor1 handles a case personally, so an appeal against
    their own ruling goes to supervisor2.
    """
    sla = p.policy.pickup_sla_hours
    late = p.rng.random() < LATE_PICKUPS
    after = p.hours(sla * 1.5, sla * 4) if late else p.hours(0.3, sla * 1.2)
    roll = p.rng.random()
    if p.showcase.handler:
        p.handler = by = p.showcase.handler
    elif roll < 0.08:
        p.handler = by = "supervisor1"
    else:
        p.handler = p.rng.choice(vocab.AGENTS)
        by = p.rng.choice(vocab.SUPERVISORS) if roll < 0.22 else p.handler
    p.add("take", after, by=by, assignee=p.handler)
    p.taken = p.t
    p.deadline = p.t + p.policy.evidence


def _request_evidence(p: Plan, answer: str) -> None:
    party = p.rng.choice(["buyer", "merchant"])
    proof = p.rng.choice(
        p.kit.buyer_proof if party == "buyer" else p.kit.merchant_proof
    )
    step = p.add("request_evidence", p.hours(0.5, 8), party=party, what=proof.ask)
    due = step.at + p.policy.evidence
    if answer == "answer":
        _evidence(p, p.hours(1, p.policy.evidence_hours - 2), party, proof)
    elif answer == "timeout":
        p.t = due + timedelta(minutes=p.rng.uniform(1, 30))
        p.steps.append(Step(p.t, "evidence_timeout"))
    else:
        p.due = due


def _verify(p: Plan) -> None:
    if p.rng.random() < 0.3:
        body = p.say(lines.AGENT_OPENS, p.kit.agent)
        p.add("message", p.hours(0.1, 3), party="agent", body=body)
    if p.rng.random() < 0.6:
        _request_evidence(p, "answer" if p.rng.random() < 0.75 else "timeout")
    if p.rng.random() < 0.35:
        p.add("note", p.hours(0.1, 4), body=p.say(lines.NOTES, p.kit.notes))


def _mediate(p: Plan, proposal: bool) -> None:
    p.add("start_mediation", p.hours(0.5, 12))
    p.deadline = (p.t if p.taken is None else p.taken) + p.policy.ruling_sla
    body = p.say(lines.AGENT_MEDIATES)
    p.add("message", p.hours(0.2, 4), party="agent", body=body)
    if proposal:
        note = p.say(lines.PROPOSALS[p.remedy])
        p.add("propose", p.hours(1, 20), amount=p.part(0.5, 1.0), note=note)


def _escalated(p: Plan, *, mediate: float = 0.5) -> None:
    """Negotiation fails, an agent takes the case and verifies it."""
    _to_complaint(p)
    _take(p)
    _verify(p)
    if p.rng.random() < mediate:
        _mediate(p, proposal=p.rng.random() < 0.5)


def _rule(p: Plan) -> Step:
    """The ruling, now and then slow (`SLOW_RULINGS`); a buyer's win carries the
    compensation the cited rule awards (假一赔三)."""
    drawn = "buyer" if p.rng.random() < 0.62 else "merchant"
    outcome = p.showcase.outcome or drawn
    if outcome == "buyer":
        liability = p.rng.choice(p.kit.liable)
        amount = p.claim if p.rng.random() < 0.7 else p.part(0.4, 0.95)
        reasoning = p.say(p.kit.buyer_wins)
    else:
        liability, amount = p.rng.choice(["buyer", "none"]), Decimal("0.00")
        reasoning = p.say(p.kit.merchant_wins)
    sla = p.policy.ruling_sla_hours
    slow = p.rng.random() < SLOW_RULINGS
    after = p.hours(sla * 1.1, sla * 2.5) if slow else p.hours(1, 30)
    step = p.add(
        "rule",
        after,
        outcome=outcome,
        liability=liability,
        amount=amount,
        reasoning=reasoning,
        compensation=p.kit.compensates and outcome == "buyer",
    )
    p.deadline = p.t + p.policy.appeal_window
    return step


def _appeal(p: Plan, ruling: Step) -> None:
    won = ruling.params["outcome"]
    party = "merchant" if won == "buyer" else "buyer"
    reason = p.say(p.kit.merchant_appeals if won == "buyer" else p.kit.buyer_appeals)
    if won == "buyer" and ruling.params["amount"] < p.claim and p.rng.random() < 0.5:
        party, reason = "buyer", p.say(lines.BUYER_WANTS_MORE)
    p.appellant = party
    window = p.policy.appeal_days * 24
    p.add("appeal", p.hours(2, window - 2), party=party, reason=reason)
    # Never the supervisor who ruled.
    p.judge = "supervisor2" if p.handler == "supervisor1" else "supervisor1"
    p.deadline = p.t + p.policy.ruling_sla


def _overturn(p: Plan, ruling: Step) -> None:
    """The appellant wins: the buyer gets the whole claim (with the rule's
    compensation), or the merchant is found not liable."""
    if p.appellant == "buyer":
        won = ruling.params["outcome"] == "buyer"  # a part only: now the whole
        liability = ruling.params["liability"] if won else p.rng.choice(p.kit.liable)
        said = lines.OVERTURNED_IN_FULL if won else p.kit.overturned_for_buyer
        params = {
            "outcome": "buyer",
            "liability": liability,
            "amount": p.claim,
            "compensation": p.kit.compensates,
        }
    else:
        said = p.kit.overturned_for_merchant
        params = {
            "outcome": "merchant",
            "liability": p.rng.choice(["buyer", "none"]),
            "amount": Decimal("0.00"),
        }
    p.add("overturn", p.hours(4, 60), by=p.judge, **params, reasoning=p.say(said))


# One script per scenario.
def _agreed_accept(p: Plan, reason: str) -> None:
    if p.rng.random() < 0.3:
        body = p.say(lines.AGREES)
        p.add("message", p.hours(0.5, 8), party="merchant", body=body)
    p.add("accept", _merchant_answers(p))


def _agreed_offer(p: Plan, reason: str) -> None:
    _offer(p)
    if p.rng.random() < 0.5:
        body = p.say(lines.OFFER_ACCEPTED)
        p.add("message", p.hours(0.2, 6), party="buyer", body=body)
    p.add("accept_offer", p.hours(0.5, 30))


def _withdrawn(p: Plan, reason: str) -> None:
    stage = p.rng.choice(["negotiation", "negotiation", "complaint", "verification"])
    if stage == "negotiation":
        _reject(p)
    else:
        _to_complaint(p)
        if stage == "verification":
            _take(p)
            _verify(p)
    note = p.say(lines.WITHDRAWALS, p.kit.withdrawals)
    p.add("withdraw", p.hours(1, 30), note=note)


def _auto_refunded(p: Plan, reason: str) -> None:
    _silent_until_deadline(p, timedelta(minutes=p.rng.uniform(1, 15)))
    p.steps.append(Step(p.t, "auto_refund"))


def _mediated(p: Plan, reason: str) -> None:
    _to_complaint(p)
    _take(p)
    _verify(p)
    _mediate(p, proposal=True)
    first, second = p.rng.sample(["buyer", "merchant"], 2)
    p.add("accept_proposal", p.hours(0.5, 24), party=first)
    p.add("accept_proposal", p.hours(0.5, 24), party=second)


def _ruled(p: Plan, reason: str) -> None:
    _escalated(p)
    _rule(p)
    p.t = p.t + p.policy.appeal_window + timedelta(minutes=p.rng.uniform(1, 30))
    p.steps.append(Step(p.t, "close"))


def _upheld(p: Plan, reason: str) -> None:
    _escalated(p)
    _appeal(p, _rule(p))
    p.add("uphold", p.hours(4, 60), by=p.judge, reasoning=p.say(lines.UPHELD))


def _overturned(p: Plan, reason: str) -> None:
    _escalated(p)
    ruling = _rule(p)
    _appeal(p, ruling)
    _overturn(p, ruling)


def _negotiation(p: Plan, reason: str) -> None:
    kind = p.rng.choice(["silent", "reject", "offer"])
    if kind == "silent":
        _buyer_chases(p)
        return
    (_reject if kind == "reject" else _offer)(p)
    _maybe_chat(p, p.kit.buyer if kind == "reject" else lines.OFFER_REFUSED)


def _verification(p: Plan, reason: str) -> None:
    _to_complaint(p)
    _take(p)
    if p.rng.random() < 0.5:
        _request_evidence(p, "open" if p.rng.random() < 0.5 else "answer")
        p.due = None


def _mediation(p: Plan, reason: str) -> None:
    _to_complaint(p)
    _take(p)
    _verify(p)
    _mediate(p, proposal=p.rng.random() < 0.6)
    if p.steps[-1].action == ActionName.PROPOSE and p.rng.random() < 0.5:
        p.add(
            "accept_proposal",
            p.hours(0.5, 12),
            party=p.rng.choice(["buyer", "merchant"]),
        )


def _ruled_open(p: Plan, reason: str) -> None:
    _escalated(p)
    _rule(p)


def _appeal_open(p: Plan, reason: str) -> None:
    _escalated(p)
    _appeal(p, _rule(p))


def _evidence_due(p: Plan, reason: str) -> None:
    _to_complaint(p)
    _take(p)
    _request_evidence(p, "open")


def _complaint_overdue(p: Plan, reason: str) -> None:
    _to_complaint(p)


# The goods leg (`returning`): each step, and the deadline of the next.
def _waybill(p: Plan, carriers: tuple[str, ...]) -> dict[str, str]:
    carrier = p.rng.choice(carriers)
    number = vocab.WAYBILLS[carrier].format(p.rng.randrange(10**11, 10**12))
    return {"carrier": carrier, "tracking_number": number}


def _goods_agreed(p: Plan, scenario: str) -> None:
    """The merchant accepts the claim (or, silent, is taken to): the goods
    move first; the step's deadline governs."""
    if scenario == "goods_silent_accepted":
        _silent_until_deadline(p, timedelta(minutes=p.rng.uniform(1, 15)))
        p.steps.append(Step(p.t, "auto_accept"))
    else:
        if p.rng.random() < 0.3:
            body = p.say(lines.AGREES)
            p.add("message", p.hours(0.5, 8), party="merchant", body=body)
        p.add("accept", _merchant_answers(p))
    if p.remedy == "resend":
        p.deadline = p.t + p.goods.replacement_ship
    else:
        p.deadline = p.t + p.goods.return_ship


def _ship_return(p: Plan) -> None:
    window = p.goods.return_ship_days * 24
    p.add("ship_return", p.hours(3, window * 0.6), **_waybill(p, ("SF", "YTO", "ZTO")))
    p.deadline = p.t + p.goods.return_confirm


def _return_back(p: Plan) -> None:
    p.add("confirm_return", p.hours(20, p.goods.return_confirm_days * 24 * 0.6))
    if p.remedy == "exchange":
        p.deadline = p.t + p.goods.replacement_ship
    else:
        p.deadline = None


def _ship_replacement(p: Plan) -> None:
    hours = p.goods.replacement_ship_hours
    p.add("ship_replacement", p.hours(1, hours * 0.8), **_waybill(p, ("JD", "SF")))
    p.deadline = p.t + p.goods.replacement_confirm


def _goods(p: Plan, scenario: str) -> None:
    """Agreed, then the goods as far as `scenario` goes."""
    _goods_agreed(p, scenario)
    if scenario in ("goods_awaiting_return", "goods_silent_accepted"):
        return
    if scenario == "goods_return_lapsed":
        p.t = p.t + p.goods.return_ship + timedelta(minutes=p.rng.uniform(1, 30))
        p.steps.append(Step(p.t, "lapse_return"))
        p.deadline = None
        return
    if p.remedy != "resend":
        _ship_return(p)
        if scenario == "goods_return_in_transit":
            return
        if scenario == "goods_return_auto_confirmed":
            p.t = p.t + p.goods.return_confirm + timedelta(minutes=p.rng.uniform(1, 30))
            p.steps.append(Step(p.t, "auto_confirm_return"))
            p.deadline = None
            return
        if scenario == "goods_return_refused":
            _evidence(p, p.hours(20, 60), "merchant")
            preset = p.rng.choice(("used", "used", "swapped"))
            p.add("refuse_return", p.hours(0.2, 4), preset=preset, reason="")
            p.deadline = p.t + p.policy.pickup_sla
            return
        _return_back(p)
        if p.remedy == "return_refund" or scenario == "goods_awaiting_replacement":
            return
    if scenario == "goods_awaiting_replacement":
        return
    _ship_replacement(p)
    if scenario == "goods_replacement_in_transit":
        return
    days = p.goods.replacement_confirm_days * 24
    p.add("confirm_replacement", p.hours(20, days * 0.6))
    p.deadline = None


def _goods_story(scenario: str) -> Callable[[Plan, str], None]:
    """The script of the goods story `scenario` (the reason is in the kit)."""

    def play(p: Plan, reason: str) -> None:
        _goods(p, scenario)

    return play


_SCRIPTS = {
    "agreed_accept": _agreed_accept,
    "agreed_offer": _agreed_offer,
    "withdrawn": _withdrawn,
    "auto_refunded": _auto_refunded,
    "mediated": _mediated,
    "ruled": _ruled,
    "upheld": _upheld,
    "overturned": _overturned,
    "negotiation": _negotiation,
    "complaint": _to_complaint,
    "verification": _verification,
    "mediation": _mediation,
    "ruled_open": _ruled_open,
    "appeal": _appeal_open,
    "negotiation_due": lambda p, reason: _buyer_chases(p),
    "ruled_due": _ruled_open,
    "evidence_due": _evidence_due,
    "complaint_overdue": _complaint_overdue,
    **{name: _goods_story(name) for name in GOODS_SCENARIOS},
}


def opened_ago(plan: Plan, rng: random.Random, *, days: int = 120) -> timedelta:
    """How long before now the case was opened, so its history fits the mode."""
    last = plan.t
    if plan.mode == "closed":
        low = last + timedelta(minutes=30)
        high = max(low, timedelta(days=days))
        # More cases recently than long ago: the reports show a rising trend.
        return low + (high - low) * (1 - rng.random() ** 0.5)
    if plan.mode == "due":
        target = plan.due if plan.due is not None else plan.deadline
        return max(target or last, last) + timedelta(hours=rng.uniform(1, 30))
    if plan.deadline is None:
        return last + timedelta(hours=rng.uniform(0.5, 72))
    if plan.deadline <= last:
        return last + timedelta(hours=rng.uniform(0.1, 6))
    return last + (plan.deadline - last) * rng.uniform(0.05, 0.9)
