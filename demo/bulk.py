"""Write a scripted case straight into rows: the fast path for large data sets.

The case is a `Dispute` in memory, never saved. Each step runs as its
service does (`disputes.services`), minus the database:

- the services' own check (`check_action`: role, state, conditions,
  permission), with the actors as the permission checks read them;
- the model's own transition (`disputes/models/case.py`), which only sets
  fields, on a clock that answers the step's moment (`demo.clock`);
- the records the service writes around it (a refund, a ruling, an evidence
  request), with the services' pure rules (`disputes.rules_pure`);
- what `case_action` does after every transition: the deadline and the
  agents' target (`deadline_for`, `sla_refresh`), the version, the timeline
  entry, open evidence requests closed with the case.

So a new action or state needs no second implementation here, only its
records. Rows are queued on a `RowWriter`; no database round trip per case.
`tests/demo/test_demo_equivalence.py` plays the same scripts through the
services and through this module and compares the results column by column.
"""

from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from core.bulkrows import RowWriter
from core.roles import Role
from core.workcalendar import working_hours
from disputes.actions import ActionName, EventKindName
from disputes.choices import Decision, Direction, RequestStatus, ReturnRefusal, State
from disputes.models import (
    Appeal,
    Dispute,
    DisputeEvent,
    Evidence,
    EvidenceRequest,
    Message,
    Ruling,
    Shipment,
)
from disputes.record_chain import GENESIS, EntryContent
from disputes.rules_pure import (
    auto_refund_amount,
    case_number,
    deadline_for,
    overturn_money,
    refund_key,
)
from disputes.services import check_action
from disputes.services._core import PAST_THE_PLATFORM, goods_clock
from disputes.services.compensation import check_compensation, compensation_due
from disputes.services.deadlines import (
    silent_merchant_note,
    sla_breach_mark,
    sla_warning_mark,
    taken_as_accepted_note,
)
from disputes.services.goods import _step_note as goods_step_note
from disputes.sla import sla_refresh
from orders.carriers import Carrier, normalize_tracking_number
from orders.models import Order, OrderItem, Refund, RefundKind

from . import vocab
from .clock import stepping
from .script import CaseScript, World
from .sweeps import target_sweeps

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
    Shipment,
    Refund,
    DisputeEvent,
]
# Case number serials of bulk-built cases (services draw random ones).
SERIAL_BASE = 90_000_000


class Actor:
    """A user as the services' checks read one: the id and the role (and, for
    a merchant, the stores), which `role_of` and `store_ids_for` would
    otherwise look up and cache on the user."""

    is_authenticated, is_active, is_superuser = True, True, False

    def __init__(self, pk: int, role: str, stores: frozenset[int] = frozenset()):
        self.pk = self.id = pk
        self.role = str(role)
        self._cached_role = Role(role)
        self._cached_store_ids = stores


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
        self.world, self.writer = world, writer
        self.staff = {pk: Actor(pk, role) for pk, role in roles.items()}
        self.silent_note = silent_merchant_note()  # in the language active now
        self.tz, self.calendar = timezone.get_default_timezone(), working_hours()
        # A blank case, every column at its default: each case starts as a
        # copy of it (half the cost of `Dispute(...)` for a million cases).
        self.blank = Dispute(*writer.tables[Dispute].defaults.values())
        self.built: list[SimpleNamespace] = []
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
        self.buyer = Actor(script.buyer_id, Role.BUYER)
        store = frozenset({script.store.id})
        self.merchant = Actor(script.store.owner_id, Role.MERCHANT, store)
        self.events: list[dict] = []
        self.requests: list[dict] = []
        self.ruling: dict[str, Any] = {}
        self.appeal: dict[str, Any] = {}  # the appeal's columns, once filed
        self.handler: Actor | None = None
        self.step_before = ""  # the goods step before the current transition
        with stepping() as move_to:
            for step in script.plan.steps:
                at = script.opened_at + step.at
                if step.action != EventKindName.OPEN:
                    self._sweep(at, move_to)
                move_to(at)
                self.steps[step.action](at, **step.params)
        self._finish()

    def _sweep(self, before: datetime, move_to) -> None:
        """What the deadline worker did to the case since the last step."""
        case = self.case
        for kind, when in target_sweeps(case, before):
            move_to(when)
            mark = sla_warning_mark if kind == "sla_warning" else sla_breach_mark
            _fields, note = mark(case, when)
            case.updated_at = when
            self._event(when, kind, None, case.state, note=note, internal=True)

    # Who acts.
    def _party(self, party: str) -> Actor:
        """The buyer, the merchant or ("agent") the handler."""
        if party == "agent":
            return self._handling()
        return self.buyer if party == "buyer" else self.merchant

    def _known(self, username: str) -> Actor:
        return self.staff[self.world.known[username]]

    def _handling(self) -> Actor:
        """The handling agent (steps after `take` only)."""
        if self.handler is None:
            raise ValueError("the script acts as the handler before a take")
        return self.handler

    # What `case_action` does around the model's transition.
    def _transition(self, action: str, actor: Actor | None, **params) -> str:
        """Check as the service does, run the model's transition; the state left."""
        case = self.case
        check_action(case, actor, action)  # type: ignore[arg-type]
        left, self.step_before = case.state, case.return_step
        getattr(case, action)(**params)
        return left

    def _log(self, at, action, actor: Actor | None, left: str, **entry) -> None:
        """The deadline, the version, the timeline entry (`ActionStep.finish`)."""
        case = self.case
        if State.RETURNING in (case.state, left):  # else nothing to start or stop
            step = self.step_before
            terms = self.s.plan.goods  # the version's, for the store's region
            goods_clock(case, terms, before_step=step, from_state=left)
        self._deadline(at)
        case.version += 1
        case.updated_at = at
        state = self._event(at, action, actor, left, **entry)
        if state in PAST_THE_PLATFORM and left not in PAST_THE_PLATFORM:
            for request in self.requests:
                if request["status"] == RequestStatus.OPEN:
                    request["status"], request["closed_at"] = RequestStatus.CLOSED, at

    def _deadline(self, now: datetime) -> None:
        """What `refresh_deadline` does: the agents' target, then the deadline."""
        case = self.case
        target = sla_refresh(case, self.policy)
        filed = self.appeal["filed_at"] if case.state == State.APPEAL else None
        case.deadline_at, case.deadline_kind = deadline_for(
            case,
            self.policy,
            appeal_filed_at=filed,
            target=(target.kind, target.due_at) if target else None,
            now=now,
            calendar=self.calendar,
        )

    def _event(self, at, action, actor: Actor | None, left: str, **extra) -> str:
        """A timeline entry; `left`: the state before (the current one for
        records). Returns the state the case is in."""
        state = self.case.state
        self.events.append(
            {
                "dispute_id": self.case.id,
                "actor_id": actor.pk if actor else None,
                "actor_role": actor.role if actor else "system",
                "action": action,
                "from_state": left,
                "to_state": state,
                "created_at": at,
                **extra,
            }
        )
        return state

    # Money, as the services' helpers move it.
    def _refund(self, at, amount: Decimal, label: str, kind=RefundKind.REFUND) -> None:
        case = self.case
        key = refund_key(case.number, case.version, label)
        self._money(at, amount, kind, key, label)
        if kind == RefundKind.REFUND:
            case.refunded_amount += amount
            self.order["refunded_amount"] += amount

    def _pay_buyer(self, at, amount: Decimal, note: str) -> None:
        """Compensation to the buyer, once per case and decision (`_pay_buyer`)."""
        key = f"{self.case.number}:{note}"
        self._money(at, amount, RefundKind.BUYER_COMPENSATION, key, note)

    def _money(self, at, amount: Decimal, kind: str, key: str, note: str) -> None:
        self.writer.add(
            Refund,
            {
                "order_id": self.order_id,
                "dispute_id": self.case.id,
                "amount": amount,
                "kind": kind,
                "idempotency_key": key,
                "note": note[:200],
                "created_at": at,
            },
        )

    # One method per plan step, doing what the service of that name does.
    def do_open(self, at) -> None:
        """`case_create`: the case, its deadline, the "open" entry."""
        s = self.s
        case = self.case = copy.copy(self.blank)
        vars(case).update(
            id=self.writer.new_id(Dispute),
            number=case_number(at, SERIAL_BASE + self.serial, tz=self.tz),
            order_id=self.order_id,
            buyer_id=s.buyer_id,
            store_id=s.store.id,
            reason=s.reason,
            remedy=s.remedy,
            amount=s.claim,
            description=s.description.strip(),
            opened_at=at,
            merchant_deadline_at=at + self.policy.merchant_response,
            updated_at=at,
            policy_version_id=self.world.policy_version_id,
        )
        self._deadline(at)
        amount = s.claim or None  # an exchange or resend claims no money
        self._event(at, "open", self.buyer, "", note=case.description, amount=amount)

    def do_message(self, at, party: str, body: str) -> None:
        self._post(at, self._party(party), body.strip(), internal=False)

    def do_note(self, at, body: str) -> None:
        self._post(at, self._handling(), body.strip(), internal=True)

    def _post(self, at, author: Actor, text: str, *, internal: bool) -> None:
        message_id = self.writer.add(
            Message,
            {
                "dispute_id": self.case.id,
                "author_id": author.pk,
                "author_role": author.role,
                "body": text,
                "internal": internal,
                "created_at": at,
            },
        )
        action = "internal_note" if internal else "message"
        state = self.case.state
        self._event(
            at,
            action,
            author,
            state,
            note=text,
            internal=internal,
            message_id=message_id,
        )

    def do_evidence(self, at, party: str, file: int, description: str) -> None:
        """`evidence_upload`: the file answers the party's earliest open request."""
        author = self._party(party)
        open_requests = [
            r
            for r in self.requests
            if r["party"] == party and r["status"] == RequestStatus.OPEN
        ]
        request = min(open_requests, key=lambda r: r["due_at"], default=None)
        text = description.strip()[:500]
        evidence_id = self.writer.add(
            Evidence,
            {
                "dispute_id": self.case.id,
                "uploaded_by_id": author.pk,
                "party": party,
                "description": text,
                "request_id": request["id"] if request else None,
                "created_at": at,
                **self.world.files[file],
            },
        )
        if request is not None:
            request["status"], request["closed_at"] = RequestStatus.ANSWERED, at
        self._event(
            at,
            "evidence",
            author,
            self.case.state,
            note=text,
            evidence_id=evidence_id,
            evidence_request_id=request["id"] if request else None,
            evidence_sha256=self.world.files[file]["sha256"],  # hashed, not a column
        )

    def do_accept(self, at) -> None:
        left = self._transition("accept", self.merchant)
        if self.case.state == State.CLOSED:  # else held until the goods are back
            self._refund(at, self.case.amount, "accept")
        self._log(at, "accept", self.merchant, left)

    def do_offer(self, at, amount: Decimal, note: str) -> None:
        text = note.strip()
        left = self._transition("offer", self.merchant, amount=amount, note=text)
        self._log(at, "offer", self.merchant, left, note=text, amount=amount)

    def do_accept_offer(self, at) -> None:
        left = self._transition("accept_offer", self.buyer)
        self._refund(at, self.case.offer_amount, "accept_offer")
        self._log(at, "accept_offer", self.buyer, left)

    def do_reject(self, at, reason: str) -> None:
        text = reason.strip()
        left = self._transition("reject", self.merchant, reason=text)
        self._log(at, "reject", self.merchant, left, note=text)

    def do_request_intervention(self, at, party: str) -> None:
        actor = self._party(party)
        left = self._transition("request_intervention", actor, party=party)
        self._log(at, "request_intervention", actor, left, note="")

    def do_auto_escalate(self, at) -> None:
        left = self._transition("auto_escalate", None)
        self._log(at, "auto_escalate", None, left, note=self.silent_note)

    def do_auto_refund(self, at) -> None:
        left = self._transition("auto_refund", None)
        refundable = self.order["total"] - self.order["refunded_amount"]
        amount = auto_refund_amount(self.case.amount, refundable)
        if amount > 0:
            self._refund(at, amount, "auto_refund")
        self._log(
            at,
            "auto_refund",
            None,
            left,
            note=self.silent_note,
            amount=amount if amount > 0 else None,
        )

    def do_auto_accept(self, at) -> None:
        left = self._transition("auto_accept", None)
        held = self.case.held_amount
        note = taken_as_accepted_note(self.case.remedy, held)
        self._log(at, "auto_accept", None, left, note=note, amount=held)

    # The goods leg (`disputes.services.goods`).
    def _ship(self, at, actor: Actor, direction: str, carrier: str, number: str) -> str:
        """`_ship`: the parcel's row; returns the timeline's `parcel_note`."""
        number = normalize_tracking_number(number)
        self.case.has_parcels = True
        self.writer.add(
            Shipment,
            {
                "dispute_id": self.case.id,
                "direction": direction,
                "carrier": carrier,
                "tracking_number": number,
                "shipped_by_id": actor.pk,
                "shipped_at": at,
                "in_transit_at": None,
                "delivered_at": None,
            },
        )
        return f"{Carrier(carrier).label} {number}"  # `parcel_note`

    def _settle_goods(self, at, label: str) -> Decimal | None:
        """`_settle_goods` and `pay_held`: the held refund, once the goods
        leg has ended well."""
        case = self.case
        if case.return_step:
            return None
        held, case.held_amount = case.held_amount, None
        if not held:
            return None
        refundable = self.order["total"] - self.order["refunded_amount"]
        amount = min(held, refundable)
        if amount <= 0:
            return None
        self._refund(at, amount, label)
        return amount

    def do_ship_return(self, at, carrier: str, tracking_number: str) -> None:
        left = self._transition("ship_return", self.buyer)
        note = self._ship(at, self.buyer, Direction.RETURN, carrier, tracking_number)
        self._log(at, "ship_return", self.buyer, left, note=note)

    def do_confirm_return(self, at) -> None:
        left = self._transition("confirm_return", self.merchant)
        paid = self._settle_goods(at, "confirm_return")
        self._log(at, "confirm_return", self.merchant, left, amount=paid)

    def do_refuse_return(self, at, preset: str, reason: str) -> None:
        details = reason.strip()
        text = "：".join(p for p in (str(ReturnRefusal(preset).label), details) if p)
        left = self._transition("refuse_return", self.merchant)
        self._log(at, "refuse_return", self.merchant, left, note=text)

    def do_ship_replacement(self, at, carrier: str, tracking_number: str) -> None:
        left = self._transition("ship_replacement", self.merchant)
        direction = Direction.REPLACEMENT
        note = self._ship(at, self.merchant, direction, carrier, tracking_number)
        self._log(at, "ship_replacement", self.merchant, left, note=note)

    def do_confirm_replacement(self, at) -> None:
        left = self._transition("confirm_replacement", self.buyer)
        paid = self._settle_goods(at, "confirm_replacement")
        self._log(at, "confirm_replacement", self.buyer, left, amount=paid)

    def do_lapse_return(self, at) -> None:
        left = self._transition("lapse_return", None)
        note = goods_step_note(ActionName.LAPSE_RETURN)
        self._log(at, "lapse_return", None, left, note=note)

    def do_auto_confirm_return(self, at) -> None:
        left = self._transition("auto_confirm_return", None)
        paid = self._settle_goods(at, "auto_confirm_return")
        note = goods_step_note(ActionName.AUTO_CONFIRM_RETURN)
        self._log(at, "auto_confirm_return", None, left, note=note, amount=paid)

    def do_withdraw(self, at, note: str) -> None:
        left = self._transition("withdraw", self.buyer)
        self._log(at, "withdraw", self.buyer, left, note=note.strip())

    def do_take(self, at, by: str, assignee: str) -> None:
        actor, self.handler = self._known(by), self._known(assignee)
        due = at + self.policy.evidence
        left = self._transition(
            "take", actor, assignee_id=self.handler.pk, evidence_deadline_at=due
        )
        self._log(at, "take", actor, left, subject_id=self.handler.pk)

    def do_start_mediation(self, at) -> None:
        handler = self._handling()
        left = self._transition("start_mediation", handler)
        self._log(at, "start_mediation", handler, left, note="")

    def do_request_evidence(self, at, party: str, what: str) -> None:
        handler, text = self._handling(), what.strip()
        request = {
            "id": self.writer.new_id(EvidenceRequest),
            "dispute_id": self.case.id,
            "party": party,
            "what": text,
            "due_at": at + self.policy.evidence,
            "requested_by_id": handler.pk,
            "status": RequestStatus.OPEN,
            "created_at": at,
            "closed_at": None,
        }
        self.requests.append(request)
        left = self._transition("request_evidence", handler)
        self._log(
            at,
            "request_evidence",
            handler,
            left,
            note=text,
            evidence_request_id=request["id"],
        )

    def do_evidence_timeout(self, at) -> None:
        """`evidence_request_expire`: the earliest open request, on the timeline."""
        request = next(r for r in self.requests if r["status"] == RequestStatus.OPEN)
        request["status"], request["closed_at"] = RequestStatus.TIMED_OUT, at
        self._event(
            at,
            "evidence_timeout",
            None,
            self.case.state,
            note=request["what"],
            evidence_request_id=request["id"],
        )

    def do_propose(self, at, amount: Decimal, note: str) -> None:
        handler, text = self._handling(), note.strip()
        left = self._transition("propose", handler, amount=amount, note=text)
        self._log(at, "propose", handler, left, note=text, amount=amount)

    def do_accept_proposal(self, at, party: str) -> None:
        actor = self._party(party)
        left = self._transition("accept_proposal", actor, party=party)
        if self.case.state == State.CLOSED:
            self._refund(at, self.case.proposal_amount, "mediated")
        self._log(at, "accept_proposal", actor, left)

    def do_rule(
        self,
        at,
        outcome: str,
        liability: str,
        amount: Decimal,
        reasoning: str,
        compensation: bool = False,
    ) -> None:
        """`dispute_rule`: the ruling, the refund, compensation where awarded."""
        handler, text = self._handling(), reasoning.strip()
        cited = self.world.rule_at(vocab.RULE_FOR_REASON[self.s.reason], at)
        check_compensation(rule=cited, outcome=outcome, wanted=compensation)
        awarded = amount if outcome == "buyer" else ZERO
        left = self._transition(
            "rule",
            handler,
            outcome=outcome,
            liability=liability,
            ruled_by_id=handler.pk,
            appeal_deadline_at=at + self.policy.appeal_window,
        )
        self.ruling = {
            "dispute_id": self.case.id,
            "outcome": outcome,
            "liability": liability,
            "amount": awarded,
            "compensation_amount": ZERO,
            "rule_id": cited.pk,
            "reasoning": text,
            "decided_by_id": handler.pk,
            "decided_at": at,
        }
        if awarded:
            self._refund(at, awarded, "ruling")
        extra = cited.compensation_for(awarded) if compensation else ZERO
        if extra > 0:
            self.ruling["compensation_amount"] = extra
            self._pay_buyer(at, extra, "ruling_compensation")
        self.writer.add(Ruling, self.ruling)
        note = text
        self._log(at, "rule", handler, left, note=note, amount=awarded or None)

    def do_appeal(self, at, party: str, reason: str) -> None:
        actor, text = self._party(party), reason.strip()
        left = self._transition("appeal", actor)
        self.appeal = {
            "dispute_id": self.case.id,
            "appellant_id": actor.pk,
            "party": party,
            "reason": text,
            "filed_at": at,
        }
        self._log(at, "appeal", actor, left, note=text)

    def do_close(self, at) -> None:
        left = self._transition("close", None)
        self._log(at, "close", None, left)

    def _decide(self, at, judge: Actor, decision: str, reasoning: str) -> None:
        self.appeal.update(
            decision=decision,
            decided_by_id=judge.pk,
            decided_at=at,
            reasoning=reasoning,
        )

    def do_uphold(self, at, by: str, reasoning: str) -> None:
        judge, text = self._known(by), reasoning.strip()
        left = self._transition("uphold", judge)
        self._decide(at, judge, Decision.UPHELD, text)
        self._log(at, "uphold", judge, left, note=text)

    def do_overturn(
        self,
        at,
        by: str,
        outcome: str,
        liability: str,
        amount: Decimal,
        reasoning: str,
        compensation: bool = False,
    ) -> None:
        """`dispute_overturn`: the new decision and the money it moves."""
        judge, text = self._known(by), reasoning.strip()
        cited = self.world.rule_at(vocab.RULE_FOR_REASON[self.s.reason], at)
        check_compensation(rule=cited, outcome=outcome, wanted=compensation)
        awarded = amount if outcome == "buyer" else ZERO
        left = self._transition("overturn", judge, outcome=outcome, liability=liability)
        self._decide(at, judge, Decision.OVERTURNED, text)
        due = compensation_due(rule=cited, amount=awarded, wanted=compensation)
        self.appeal.update(
            outcome=outcome,
            liability=liability,
            rule_id=cited.pk,
            amount=awarded,
            buyer_compensation_amount=due,
        )
        money = overturn_money(
            outcome=outcome,
            awarded=awarded,
            refunded=self.case.refunded_amount,
            compensation_due=due,
            compensation_paid=self.ruling["compensation_amount"],
        )
        if money.refund:
            self._refund(at, money.refund, "overturn")
        if money.buyer_compensation:
            self._pay_buyer(at, money.buyer_compensation, "appeal_compensation")
        if money.platform_compensation:
            paid = money.platform_compensation
            self._refund(at, paid, "compensation", RefundKind.MERCHANT_COMPENSATION)
            self.appeal["compensation_amount"] = paid
        moved = money.refund + money.buyer_compensation
        note = text
        amount_moved = moved or money.platform_compensation or None
        self._log(at, "overturn", judge, left, note=note, amount=amount_moved)

    def _seal(self) -> None:
        """Number and chain the entries as `timeline_write` does."""
        prev = GENESIS
        for seq, event in enumerate(self.events, 1):
            content = EntryContent(
                case=self.case.number,
                seq=seq,
                actor_id=event["actor_id"],
                actor_role=event["actor_role"],
                action=event["action"],
                from_state=event["from_state"],
                to_state=event["to_state"],
                created_at=event["created_at"],
                note=event.get("note", ""),
                amount=event.get("amount"),
                internal=event.get("internal", False),
                subject_id=event.get("subject_id"),
                evidence_sha256=event.pop("evidence_sha256", ""),
            )
            event["seq"], event["prev_hash"] = seq, prev
            event["entry_hash"] = prev = content.digest(prev)
        self.case.record_length, self.case.record_head = len(self.events), prev

    def _finish(self) -> None:
        """Queue the case and everything hanging on it."""
        writer, case = self.writer, self.case
        self._seal()  # before the case row is queued: it carries the head
        write_order(writer, self.s.order)
        writer.add(Dispute, case.__dict__)
        for request in self.requests:
            writer.add(EvidenceRequest, request)
        if self.appeal:
            writer.add(Appeal, self.appeal)
        for event in self.events:
            writer.add(DisputeEvent, event)
        # For the listeners of `cases_bulk_built`: the columns and the store.
        self.built.append(SimpleNamespace(**case.__dict__, store=self.s.store))
