"""Write a scripted case straight into rows: the fast path for large data sets.

Each step writes what its service writes (`disputes.services`), with the
service's own pure rules (`disputes.rules_pure`: deadlines, refund keys,
overturn money, timeline wording) and no database round trip per case.
`tests/disputes/test_demo_equivalence.py` plays the same scripts through
the services and through this module and compares the results column by
column, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.utils import timezone

from core.bulkrows import RowWriter
from core.workcalendar import working_hours
from disputes.choices import (
    Decision,
    MerchantResponse,
    RequestStatus,
    Resolution,
    State,
)
from disputes.models import (
    Appeal,
    Dispute,
    DisputeEvent,
    Evidence,
    EvidenceRequest,
    Message,
    Ruling,
)
from disputes.rules_pure import (
    auto_refund_amount,
    case_number,
    deadline_for,
    overturn_money,
    refund_key,
)
from disputes.services.deadlines import silent_merchant_note
from disputes.sla import current_target
from orders.models import Order, OrderItem, Refund, RefundKind

from . import vocab
from .script import CaseScript, World

ZERO = Decimal("0.00")
# Insert order: a row only points at rows of tables listed before it.
TABLES = [
    Order,
    OrderItem,
    Dispute,
    Message,
    EvidenceRequest,
    Evidence,
    Ruling,
    Appeal,
    Refund,
    DisputeEvent,
]
# Case number serials of bulk-built cases (services draw random ones).
SERIAL_BASE = 90_000_000


class CaseRow(dict):
    """The case's columns; attribute reads for `rules_pure.deadline_for`.

    The dict is its own `__dict__`: attributes read as fast as keys, which
    matters because the deadline rules read several at every step (a
    `__getattr__` fallback costs a failed lookup each time). The cycle this
    makes is freed by the garbage collector once the case is written.
    """

    def __init__(self, **columns) -> None:
        super().__init__(**columns)
        self.__dict__ = self


def write_order(writer: RowWriter, rows) -> int:
    """Give an order and its items ids and queue them; returns the order id."""
    order_id = writer.add(Order, rows.order)
    for item in rows.items:
        item["order_id"] = order_id
        writer.add(OrderItem, item)
    return order_id


class BulkCase:
    """Play one script into rows, step by step, as the services would."""

    def __init__(self, world: World, writer: RowWriter, roles: dict[int, str]):
        """`roles`: the role of every platform user who may act (agents, ...)."""
        self.world, self.writer, self.roles = world, writer, roles
        self.silent_note = silent_merchant_note()  # in the language active now
        self.tz, self.calendar = timezone.get_default_timezone(), working_hours()
        self.case_defaults = writer.tables[Dispute].defaults
        self.built: list[CaseRow] = []
        self.steps = {
            name.removeprefix("do_"): getattr(self, name)
            for name in dir(self)
            if name.startswith("do_")
        }

    def build(self, script: CaseScript, serial: int) -> None:
        self.s, self.policy, self.serial = script, script.policy, serial
        self.order = script.order.order
        self.order_id = self.writer.new_id(Order)
        self.order["id"] = self.order_id
        self.events: list[dict] = []
        self.requests: list[dict] = []
        self.appeal: dict[str, Any] = {}  # the appeal's columns, once filed
        self.handler_id: int | None = None
        for step in script.plan.steps:
            at = script.opened_at + step.at
            self.steps[step.action](at, **step.params)
        self._finish()

    # Bookkeeping shared by the steps (run_action and event_publish).
    def _user(self, who: str) -> int:
        if who == "buyer":
            return self.s.buyer_id
        if who == "merchant":
            return self.s.store.owner_id
        if who == "agent":
            return self._handler()
        return self.world.known[who]

    def _handler(self) -> int:
        """The handling agent's id (steps after `take` only)."""
        if self.handler_id is None:
            raise ValueError("the script acts as the handler before a take")
        return self.handler_id

    def _role(self, user_id: int | None) -> str:
        if user_id is None:
            return "system"
        if user_id == self.s.buyer_id:
            return "buyer"
        if user_id == self.s.store.owner_id:
            return "merchant"
        return self.roles[user_id]

    def _event(self, at, action, actor_id, *, to=None, **extra) -> dict:
        """A timeline entry; state actions also bump the version and deadline."""
        case = self.case
        event = {
            "dispute_id": case["id"],
            "actor_id": actor_id,
            "actor_role": self._role(actor_id),
            "action": action,
            "from_state": case["state"],
            "to_state": case["state"] if to is None else to,
            "created_at": at,
            **extra,
        }
        self.events.append(event)
        return event

    def _act(self, at, action, actor_id, *, to=None, note="", amount=None, **extra):
        """What run_action does around a transition: version, deadline, event."""
        case = self.case
        self._event(at, action, actor_id, to=to, note=note, amount=amount, **extra)
        if to == State.CLOSED:  # open evidence requests close with the case
            for request in self.requests:
                if request["status"] == RequestStatus.OPEN:
                    request["status"], request["closed_at"] = RequestStatus.CLOSED, at
        case["state"] = case["state"] if to is None else to
        case["version"] += 1
        case["updated_at"] = at
        self._deadline(at)

    def _deadline(self, now) -> None:
        """What refresh_deadline does: the SLA target, then the deadline."""
        case = self.case
        clock = cast(Any, case)  # a CaseRow reads its columns as attributes
        target = current_target(clock, self.policy)
        case["sla_due_at"] = target.due_at if target else None
        case["sla_warn_at"] = target.warn_at if target else None
        filed = self.appeal["filed_at"] if self.appeal else None
        case["deadline_at"], case["deadline_kind"] = deadline_for(
            clock,
            self.policy,
            appeal_filed_at=filed,
            target=(target.kind, target.due_at) if target else None,
            now=now,
            calendar=self.calendar,
        )

    def _refund(self, at, amount: Decimal, label: str, kind=RefundKind.REFUND):
        case = self.case
        self.writer.add(
            Refund,
            {
                "order_id": self.order_id,
                "dispute_id": case["id"],
                "amount": amount,
                "kind": kind,
                "idempotency_key": refund_key(case["number"], case["version"], label),
                "note": label[:200],
                "created_at": at,
            },
        )
        if kind == RefundKind.REFUND:
            case["refunded_amount"] += amount
            self.order["refunded_amount"] += amount

    def _close(self, at, resolution: str) -> None:
        self.case["resolution"], self.case["closed_at"] = resolution, at

    def _respond(self, at, response: str) -> None:
        self.case["merchant_response"] = response
        if self.case["merchant_responded_at"] is None:
            self.case["merchant_responded_at"] = at

    # One method per plan step, writing what the service of that name writes.
    def do_open(self, at) -> None:
        s = self.s
        self.case = CaseRow(**self.case_defaults)  # every column for the rollups
        self.case.update(
            id=self.writer.new_id(Dispute),
            number=case_number(at, SERIAL_BASE + self.serial, tz=self.tz),
            order_id=self.order_id,
            buyer_id=s.buyer_id,
            store_id=s.store.id,
            reason=s.reason,
            remedy=s.remedy,
            amount=s.claim,
            description=s.description.strip(),
            state=State.NEGOTIATION,
            version=1,
            opened_at=at,
            updated_at=at,
            merchant_deadline_at=at + self.policy.merchant_response,
            merchant_response=MerchantResponse.NONE,
            merchant_responded_at=None,
            intervened_at=None,
            taken_at=None,
            evidence_deadline_at=None,
            appeal_deadline_at=None,
            refunded_amount=ZERO,
        )
        self._deadline(at)
        self._event(
            at, "open", s.buyer_id, to=State.NEGOTIATION, note=self.case["description"]
        )
        self.events[-1].update(from_state="", amount=s.claim)

    def do_message(self, at, party: str, body: str) -> None:
        self._post(at, self._user(party), body.strip(), internal=False)

    def do_note(self, at, body: str) -> None:
        self._post(at, self._handler(), body.strip(), internal=True)

    def _post(self, at, author: int, text: str, *, internal: bool) -> None:
        message_id = self.writer.add(
            Message,
            {
                "dispute_id": self.case["id"],
                "author_id": author,
                "author_role": self._role(author),
                "body": text,
                "internal": internal,
                "created_at": at,
            },
        )
        action = "internal_note" if internal else "message"
        self._event(
            at, action, author, note=text, internal=internal, message_id=message_id
        )

    def do_evidence(self, at, party: str, file: int, description: str) -> None:
        author = self._user(party)
        open_requests = [
            r
            for r in self.requests
            if r["party"] == party and r["status"] == RequestStatus.OPEN
        ]
        request = min(open_requests, key=lambda r: r["due_at"], default=None)
        text = description.strip()[:500]
        spec = self.world.files[file]
        evidence_id = self.writer.add(
            Evidence,
            {
                "dispute_id": self.case["id"],
                "uploaded_by_id": author,
                "party": party,
                "description": text,
                "request_id": request["id"] if request else None,
                "created_at": at,
                **spec,
            },
        )
        if request is not None:
            request["status"], request["closed_at"] = RequestStatus.ANSWERED, at
        self._event(
            at,
            "evidence",
            author,
            note=text,
            evidence_id=evidence_id,
            evidence_request_id=request["id"] if request else None,
        )

    def do_accept(self, at) -> None:
        self._respond(at, MerchantResponse.ACCEPTED)
        self._close(at, Resolution.AGREED)
        self._refund(at, self.case["amount"], "accept")
        self._act(at, "accept", self.s.store.owner_id, to=State.CLOSED)

    def do_offer(self, at, amount: Decimal, note: str) -> None:
        self._respond(at, MerchantResponse.OFFERED)
        self.case["offer_amount"], self.case["offer_note"] = amount, note.strip()
        self._act(at, "offer", self.s.store.owner_id, note=note, amount=amount)

    def do_accept_offer(self, at) -> None:
        self._close(at, Resolution.AGREED)
        self._refund(at, self.case["offer_amount"], "accept_offer")
        self._act(at, "accept_offer", self.s.buyer_id, to=State.CLOSED)

    def do_reject(self, at, reason: str) -> None:
        self._respond(at, MerchantResponse.REJECTED)
        self.case["rejection_reason"] = reason.strip()
        self._act(at, "reject", self.s.store.owner_id, note=reason.strip())

    def do_request_intervention(self, at, party: str) -> None:
        self.case["intervened_at"], self.case["intervention_requested_by"] = at, party
        self._act(at, "request_intervention", self._user(party), to=State.COMPLAINT)

    def do_auto_escalate(self, at) -> None:
        self.case["intervened_at"] = at
        self.case["intervention_requested_by"] = "system"
        self._act(at, "auto_escalate", None, to=State.COMPLAINT, note=self.silent_note)

    def do_auto_refund(self, at) -> None:
        self._close(at, Resolution.AUTO_REFUNDED)
        refundable = self.order["total"] - self.order["refunded_amount"]
        amount = auto_refund_amount(self.case["amount"], refundable)
        if amount > 0:
            self._refund(at, amount, "auto_refund")
        self._act(
            at,
            "auto_refund",
            None,
            to=State.CLOSED,
            note=self.silent_note,
            amount=amount if amount > 0 else None,
        )

    def do_withdraw(self, at, note: str) -> None:
        self._close(at, Resolution.WITHDRAWN)
        self._act(at, "withdraw", self.s.buyer_id, to=State.CLOSED, note=note.strip())

    def do_take(self, at, by: str, assignee: str) -> None:
        self.handler_id = self.world.known[assignee]
        self.case.update(
            assigned_to_id=self.handler_id,
            taken_at=at,
            evidence_deadline_at=at + self.policy.evidence,
        )
        self._act(
            at,
            "take",
            self.world.known[by],
            to=State.VERIFICATION,
            subject_id=self.handler_id,  # as dispute_take: the assignee, no note
        )

    def do_start_mediation(self, at) -> None:
        self._act(at, "start_mediation", self.handler_id, to=State.MEDIATION)

    def do_request_evidence(self, at, party: str, what: str) -> None:
        request = {
            "id": self.writer.new_id(EvidenceRequest),
            "dispute_id": self.case["id"],
            "party": party,
            "what": what.strip(),
            "due_at": at + self.policy.evidence,
            "requested_by_id": self.handler_id,
            "status": RequestStatus.OPEN,
            "created_at": at,
            "closed_at": None,
        }
        self.requests.append(request)
        self._act(
            at,
            "request_evidence",
            self.handler_id,
            note=request["what"],
            evidence_request_id=request["id"],
        )

    def do_evidence_timeout(self, at) -> None:
        request = next(r for r in self.requests if r["status"] == RequestStatus.OPEN)
        request["status"], request["closed_at"] = RequestStatus.TIMED_OUT, at
        self._event(
            at,
            "evidence_timeout",
            None,
            note=request["what"],
            evidence_request_id=request["id"],
        )

    def do_propose(self, at, amount: Decimal, note: str) -> None:
        self.case.update(
            proposal_amount=amount,
            proposal_note=note.strip(),
            proposal_buyer_accepted_at=None,
            proposal_merchant_accepted_at=None,
        )
        self._act(at, "propose", self.handler_id, note=note.strip(), amount=amount)

    def do_accept_proposal(self, at, party: str) -> None:
        case = self.case
        case[f"proposal_{party}_accepted_at"] = at
        to = State.MEDIATION
        if case["proposal_buyer_accepted_at"] and case["proposal_merchant_accepted_at"]:
            to = State.CLOSED
            self._close(at, Resolution.MEDIATED)
            self._refund(at, case["proposal_amount"], "mediated")
        self._act(at, "accept_proposal", self._user(party), to=to)

    def do_rule(
        self, at, outcome: str, liability: str, amount: Decimal, reasoning: str
    ) -> None:
        cited = self.world.rule_at(vocab.RULE_FOR_REASON[self.s.reason], at)
        awarded = amount if outcome == "buyer" else ZERO
        self.case.update(
            outcome=outcome,
            liability=liability,
            ruled_by_id=self.handler_id,
            ruled_at=at,
            appeal_deadline_at=at + self.policy.appeal_window,
        )
        self.writer.add(
            Ruling,
            {
                "dispute_id": self.case["id"],
                "outcome": outcome,
                "liability": liability,
                "amount": awarded,
                "rule_id": cited.id,
                "reasoning": reasoning.strip(),
                "decided_by_id": self.handler_id,
                "decided_at": at,
            },
        )
        if awarded:
            self._refund(at, awarded, "ruling")
        self._act(
            at,
            "rule",
            self.handler_id,
            to=State.RULED,
            note=reasoning.strip(),
            amount=awarded or None,
        )

    def do_appeal(self, at, party: str, reason: str) -> None:
        self.appeal = {
            "dispute_id": self.case["id"],
            "appellant_id": self._user(party),
            "party": party,
            "reason": reason.strip(),
            "filed_at": at,
        }
        self._act(at, "appeal", self._user(party), to=State.APPEAL, note=reason.strip())

    def do_close(self, at) -> None:
        self._close(at, Resolution.RULED)
        self._act(at, "close", None, to=State.CLOSED)

    def _decide(self, at, by: str, decision: str, reasoning: str) -> int:
        judge = self.world.known[by]
        self.appeal.update(
            decision=decision, decided_by_id=judge, decided_at=at, reasoning=reasoning
        )
        return judge

    def do_uphold(self, at, by: str, reasoning: str) -> None:
        judge = self._decide(at, by, Decision.UPHELD, reasoning.strip())
        self._close(at, Resolution.UPHELD)
        self._act(at, "uphold", judge, to=State.CLOSED, note=reasoning.strip())

    def do_overturn(
        self,
        at,
        by: str,
        outcome: str,
        liability: str,
        amount: Decimal,
        reasoning: str,
    ) -> None:
        text = reasoning.strip()
        cited = self.world.rule_at(vocab.RULE_FOR_REASON[self.s.reason], at)
        awarded = amount if outcome == "buyer" else ZERO
        judge = self._decide(at, by, Decision.OVERTURNED, text)
        self._close(at, Resolution.OVERTURNED)
        self.case.update(outcome=outcome, liability=liability)
        self.appeal.update(
            outcome=outcome, liability=liability, rule_id=cited.id, amount=awarded
        )
        # The demo's rulings award no compensation beyond the refund.
        money = overturn_money(
            outcome=outcome, awarded=awarded, refunded=self.case["refunded_amount"]
        )
        # As `dispute_overturn` moves it (no buyer compensation here).
        if money.refund:
            self._refund(at, money.refund, "overturn")
        if money.platform_compensation:
            compensation = money.platform_compensation
            self._refund(
                at, compensation, "compensation", RefundKind.MERCHANT_COMPENSATION
            )
            self.appeal["compensation_amount"] = compensation
        moved = money.refund or money.platform_compensation or None
        self._act(
            at,
            "overturn",
            judge,
            to=State.CLOSED,
            note=text,
            amount=moved,
        )

    def _finish(self) -> None:
        """Queue the case and everything hanging on it."""
        writer, case = self.writer, self.case
        write_order(writer, self.s.order)
        writer.add(Dispute, case)
        for request in self.requests:
            writer.add(EvidenceRequest, request)
        if self.appeal:
            writer.add(Appeal, self.appeal)
        for event in self.events:
            writer.add(DisputeEvent, event)
        case["store"] = self.s.store  # for the listeners of `cases_bulk_built`
        self.built.append(case)
