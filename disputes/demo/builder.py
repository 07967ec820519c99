"""Turn scripted plans into model rows in memory, and bulk-insert them in chunks.

Nothing here calls the per-action services: each step mirrors what its
service writes (state fields, timeline entry, refund, ruling, appeal) so
that a million cases can be inserted with `bulk_create`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from orders.models import Order, OrderItem, OrderStatus, Refund, RefundKind

from ..choices import (
    Decision,
    MerchantResponse,
    Reason,
    RequestStatus,
    Resolution,
    State,
)
from ..models import (
    Appeal,
    Dispute,
    DisputeEvent,
    Evidence,
    EvidenceRequest,
    Message,
    PlatformRule,
    Ruling,
)
from ..policy import Policy
from ..services._core import refresh_deadline
from . import stories, vocab

ZERO = Decimal("0.00")
REASONS = list(Reason.values)
REASON_WEIGHTS = [22, 18, 16, 12, 10, 4, 12, 6]
INSERT_ORDER = [
    (Order, "orders"),
    (OrderItem, "items"),
    (Dispute, "disputes"),
    (Message, "messages"),
    (EvidenceRequest, "requests"),
    (Evidence, "evidence"),
    (Ruling, "rulings"),
    (Appeal, "appeals"),
    (Refund, "refunds"),
    (DisputeEvent, "events"),
]


@dataclass
class StoreInfo:
    id: int
    category: str
    owner_id: int


@dataclass
class World:
    """What every case draws on: people, stores, policies, rules, files."""

    now: datetime
    stores: list[StoreInfo]
    buyers: list[int]
    known: dict[str, int]
    agents: list[tuple[int, str]]
    supervisors: list[int]
    policies: dict[str, Policy]
    rules: dict[str, list[PlatformRule]]
    files: list[dict]
    days: int = 120

    def rule_at(self, code: str, at: datetime) -> PlatformRule:
        """The version of rule `code` in force at `at`."""
        versions = [r for r in self.rules[code] if r.effective_from <= at]
        return max(versions, key=lambda r: r.version)


@dataclass
class Chunk:
    """Rows waiting for one round of bulk inserts."""

    orders: list = field(default_factory=list)
    items: list = field(default_factory=list)
    disputes: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    rulings: list = field(default_factory=list)
    appeals: list = field(default_factory=list)
    refunds: list = field(default_factory=list)
    events: list = field(default_factory=list)

    def flush(self, batch_size: int) -> int:
        """Insert everything in dependency order; returns the rows written."""
        written = 0
        for model, name in INSERT_ORDER:
            rows = getattr(self, name)
            if rows:
                model.objects.bulk_create(rows, batch_size=batch_size)
                written += len(rows)
                rows.clear()
        return written


def order_number(placed: datetime, seq: int) -> str:
    return f"O{timezone.localtime(placed):%y%m%d}{seq:010d}"


def money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def make_order(
    world: World,
    rng: random.Random,
    *,
    number: str,
    buyer_id: int,
    store: StoreInfo,
    placed: datetime,
    status: str,
    chunk: Chunk,
) -> Order:
    """An order with one to three items; timestamps follow from `status`."""
    total = ZERO
    order = Order(
        number=number,
        buyer_id=buyer_id,
        store_id=store.id,
        total=ZERO,
        status=status,
        placed_at=placed,
    )
    for name, low, high in rng.sample(
        vocab.PRODUCTS[store.category], rng.randint(1, 2)
    ):
        price = money(rng.randint(low, high) - rng.choice([0, 0.1, 0.01]))
        sku = f"SKU-{rng.randint(100_000, 999_999)}"
        quantity = rng.choice([1, 1, 1, 2, 3])
        total += price * quantity
        chunk.items.append(
            OrderItem(
                order=order,
                product_name=name,
                sku=sku,
                quantity=quantity,
                unit_price=price,
            )
        )
    order.total = total
    if status not in (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED):
        order.paid_at = placed + timedelta(minutes=rng.uniform(1, 30))
    if status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        order.shipped_at = order.paid_at + timedelta(hours=rng.uniform(4, 48))
    if status == OrderStatus.DELIVERED:
        order.delivered_at = order.shipped_at + timedelta(hours=rng.uniform(20, 96))
    # Nothing happens in the future: a recent order is still on its way.
    if order.delivered_at and order.delivered_at > world.now:
        order.status, order.delivered_at = OrderStatus.SHIPPED, None
    if order.shipped_at and order.shipped_at > world.now:
        order.status, order.shipped_at = OrderStatus.PAID, None
    chunk.orders.append(order)
    return order


def claim_for(rng: random.Random, total: Decimal, remedy: str) -> Decimal:
    share = {"compensation": (0.1, 0.3), "exchange": (1, 1)}.get(remedy)
    if share is None:
        share = (1, 1) if rng.random() < 0.6 else (0.3, 0.9)
    claim = (total * Decimal(str(rng.uniform(*share)))).quantize(Decimal("0.01"))
    return min(max(claim, Decimal("0.01")), total)


class CaseBuilder:
    """Replay one plan into the rows its services would have written."""

    def __init__(self, world: World, rng: random.Random, chunk: Chunk):
        self.world, self.rng, self.chunk = world, rng, chunk

    def build(
        self,
        *,
        seq: int,
        order_seq: int,
        scenario: str,
        store: StoreInfo,
        buyer_id: int,
    ) -> None:
        """Plan one case ending in `scenario` and add its rows to the chunk."""
        rng, world = self.rng, self.world
        policy = world.policies[store.category]
        reason = rng.choices(REASONS, REASON_WEIGHTS)[0]
        remedy = rng.choice(
            [
                "refund_only",
                "refund_only",
                "return_refund",
                "return_refund",
                "exchange",
                "compensation",
            ]
        )
        order = make_order(
            world,
            rng,
            number="",
            buyer_id=buyer_id,
            store=store,
            placed=world.now,
            status=OrderStatus.DELIVERED,
            chunk=self.chunk,
        )
        claim = claim_for(rng, order.total, remedy)
        plan = stories.plan_case(
            rng, scenario, policy, claim=claim, total=order.total, reason=reason
        )
        opened = world.now - stories.opened_ago(plan, rng, days=world.days)
        self._date_order(order, opened, policy, reason)
        order.number = order_number(order.placed_at, order_seq)
        self.policy, self.store, self.order, self.buyer_id = (
            policy,
            store,
            order,
            buyer_id,
        )
        self.events, self.children, self.version = [], [], 0
        self.agent_id = self.agent_name = self.appeal = None
        self.f = {
            "number": f"D{timezone.localtime(opened):%y%m%d}{90_000_000 + seq:08d}",
            "order": order,
            "buyer_id": buyer_id,
            "store_id": store.id,
            "reason": reason,
            "remedy": remedy,
            "amount": claim,
            "description": rng.choice(vocab.DESCRIPTIONS[reason]),
            "opened_at": opened,
            "merchant_deadline_at": opened + policy.merchant_response,
            "refunded_amount": ZERO,
        }
        self.state, self.requests = "", []
        for step in plan.steps:
            getattr(self, f"do_{step.action}")(opened + step.at, **step.params)
        self._finish()

    def _date_order(self, order: Order, opened: datetime, policy: Policy, reason: str):
        """Place, pay, ship and deliver the order so the case fits its window."""
        hours = self.rng.uniform
        if reason == Reason.NOT_RECEIVED and self.rng.random() < 0.5:
            order.status, order.delivered_at = OrderStatus.SHIPPED, None
            order.shipped_at = opened - timedelta(days=hours(4, 8))
        else:
            window = min(policy.after_sales_days, 10)
            order.status = OrderStatus.DELIVERED
            order.delivered_at = opened - timedelta(days=hours(0.05, window))
            order.shipped_at = order.delivered_at - timedelta(hours=hours(20, 96))
        order.paid_at = order.shipped_at - timedelta(hours=hours(4, 48))
        order.placed_at = order.paid_at - timedelta(minutes=hours(1, 30))

    # Bookkeeping shared by the steps.
    def _event(self, at, action, actor_id, role, to=None, **extra) -> None:
        to = self.state if to is None else to
        self.events.append(
            DisputeEvent(
                actor_id=actor_id,
                actor_role=role,
                action=action,
                from_state=self.state,
                to_state=to,
                created_at=at,
                **extra,
            )
        )
        self.state = to
        self.version += 1

    def _party(self, party: str) -> tuple[int, str]:
        if party == "buyer":
            return self.buyer_id, "buyer"
        if party == "merchant":
            return self.store.owner_id, "merchant"
        return self.agent_id, "agent"

    def _refund(self, at, amount: Decimal, label: str, kind=RefundKind.REFUND) -> None:
        self.children.append(
            Refund(
                order=self.order,
                amount=amount,
                kind=kind,
                note=label,
                created_at=at,
                idempotency_key=f"{self.f['number']}:{self.version}:{label}",
            )
        )
        if kind == RefundKind.REFUND:
            self.f["refunded_amount"] += amount
            self.order.refunded_amount += amount

    def _close(self, at, resolution: str) -> None:
        self.f["resolution"], self.f["closed_at"] = resolution, at

    def _respond(self, at, response: str) -> None:
        self.f["merchant_response"] = response
        self.f.setdefault("merchant_responded_at", at)

    def _rule_cited(self, at) -> PlatformRule:
        return self.world.rule_at(vocab.RULE_FOR_REASON[self.f["reason"]], at)

    # One method per plan step, mirroring the service of the same name.
    def do_open(self, at) -> None:
        self._event(
            at,
            "open",
            self.buyer_id,
            "buyer",
            State.NEGOTIATION,
            note=self.f["description"],
            amount=self.f["amount"],
        )

    def do_message(self, at, party: str, body: str) -> None:
        author, role = self._party(party)
        msg = Message(author_id=author, author_role=role, body=body, created_at=at)
        self.children.append(msg)
        self._event(at, "message", author, role, note=body, message=msg)

    def do_note(self, at, body: str) -> None:
        msg = Message(
            author_id=self.agent_id,
            author_role="agent",
            body=body,
            internal=True,
            created_at=at,
        )
        self.children.append(msg)
        self._event(
            at,
            "internal_note",
            self.agent_id,
            "agent",
            note=body,
            internal=True,
            message=msg,
        )

    def do_evidence(self, at, party: str, answers: bool = False) -> None:
        author, role = self._party(party)
        request = self.requests[-1] if answers else None
        spec = self.rng.choice(self.world.files)
        item = Evidence(
            uploaded_by_id=author,
            party=party,
            request=request,
            created_at=at,
            description=self.rng.choice(
                ["问题部位照片", "开箱视频截图", "聊天记录截图", "物流凭证"]
            ),
            **spec,
        )
        self.children.append(item)
        if request is not None:
            request.status, request.closed_at = RequestStatus.ANSWERED, at
        self._event(
            at,
            "evidence",
            author,
            role,
            note=item.description,
            evidence=item,
            evidence_request=request,
        )

    def do_accept(self, at) -> None:
        self._respond(at, MerchantResponse.ACCEPTED)
        self._close(at, Resolution.AGREED)
        self._refund(at, self.f["amount"], "accept")
        self._event(at, "accept", self.store.owner_id, "merchant", State.CLOSED)

    def do_offer(self, at, amount: Decimal, note: str) -> None:
        self._respond(at, MerchantResponse.OFFERED)
        self.f["offer_amount"], self.f["offer_note"] = amount, note
        self._event(
            at, "offer", self.store.owner_id, "merchant", note=note, amount=amount
        )

    def do_accept_offer(self, at) -> None:
        self._close(at, Resolution.AGREED)
        self._refund(at, self.f["offer_amount"], "accept_offer")
        self._event(at, "accept_offer", self.buyer_id, "buyer", State.CLOSED)

    def do_reject(self, at, reason: str) -> None:
        self._respond(at, MerchantResponse.REJECTED)
        self.f["rejection_reason"] = reason
        self._event(at, "reject", self.store.owner_id, "merchant", note=reason)

    def do_request_intervention(self, at, party: str) -> None:
        self.f["intervened_at"], self.f["intervention_requested_by"] = at, party
        actor, role = self._party(party)
        self._event(at, "request_intervention", actor, role, State.COMPLAINT)

    def do_auto_escalate(self, at) -> None:
        self.f["intervened_at"], self.f["intervention_requested_by"] = at, "system"
        self._event(
            at,
            "auto_escalate",
            None,
            "system",
            State.COMPLAINT,
            note=vocab.NOTE_ESCALATED,
        )

    def do_auto_refund(self, at) -> None:
        self._close(at, Resolution.AUTO_REFUNDED)
        self._refund(at, min(self.f["amount"], self.order.refundable), "auto_refund")
        self._event(at, "auto_refund", None, "system", State.CLOSED)

    def do_withdraw(self, at, note: str) -> None:
        self._close(at, Resolution.WITHDRAWN)
        self._event(at, "withdraw", self.buyer_id, "buyer", State.CLOSED, note=note)

    def do_take(self, at, by_supervisor: bool) -> None:
        self.agent_id, self.agent_name = self.rng.choice(self.world.agents)
        self.f["assigned_to_id"], self.f["taken_at"] = self.agent_id, at
        self.f["evidence_deadline_at"] = at + self.policy.evidence
        actor, role = self.agent_id, "agent"
        if by_supervisor:
            actor, role = self.rng.choice(self.world.supervisors), "supervisor"
        self._event(
            at,
            "take",
            actor,
            role,
            State.VERIFICATION,
            note=vocab.NOTE_ASSIGNED.format(user=self.agent_name),
        )

    def do_start_mediation(self, at) -> None:
        self._event(at, "start_mediation", self.agent_id, "agent", State.MEDIATION)

    def do_request_evidence(self, at, party: str, what: str) -> None:
        request = EvidenceRequest(
            party=party,
            what=what,
            requested_by_id=self.agent_id,
            due_at=at + self.policy.evidence,
            created_at=at,
        )
        self.requests.append(request)
        self.children.append(request)
        self._event(
            at,
            "request_evidence",
            self.agent_id,
            "agent",
            note=what,
            evidence_request=request,
        )

    def do_evidence_timeout(self, at) -> None:
        request = self.requests[-1]
        request.status, request.closed_at = RequestStatus.TIMED_OUT, at
        self._event(
            at,
            "evidence_timeout",
            None,
            "system",
            note=request.what,
            evidence_request=request,
        )

    def do_propose(self, at, amount: Decimal, note: str) -> None:
        self.f.update(
            proposal_amount=amount,
            proposal_note=note,
            proposal_buyer_accepted_at=None,
            proposal_merchant_accepted_at=None,
        )
        self._event(at, "propose", self.agent_id, "agent", note=note, amount=amount)

    def do_accept_proposal(self, at, party: str) -> None:
        self.f[f"proposal_{party}_accepted_at"] = at
        to = State.MEDIATION
        if self.f.get("proposal_buyer_accepted_at") and self.f.get(
            "proposal_merchant_accepted_at"
        ):
            to = State.CLOSED
            self._close(at, Resolution.MEDIATED)
            self._refund(at, self.f["proposal_amount"], "mediated")
        actor, role = self._party(party)
        self._event(at, "accept_proposal", actor, role, to)

    def do_rule(
        self, at, outcome: str, liability: str, amount: Decimal, reasoning: str
    ) -> None:
        cited = self._rule_cited(at)
        self.f.update(
            outcome=outcome,
            liability=liability,
            ruled_by_id=self.agent_id,
            ruled_at=at,
            appeal_deadline_at=at + self.policy.appeal_window,
        )
        self.children.append(
            Ruling(
                outcome=outcome,
                liability=liability,
                amount=amount,
                rule=cited,
                reasoning=reasoning,
                decided_by_id=self.agent_id,
                decided_at=at,
            )
        )
        if amount:
            self._refund(at, amount, "ruling")
        self._event(
            at,
            "rule",
            self.agent_id,
            "agent",
            State.RULED,
            note=f"[{cited.code} v{cited.version}] {reasoning}",
            amount=amount or None,
        )

    def do_appeal(self, at, party: str, reason: str) -> None:
        actor, _role = self._party(party)
        self.appeal = Appeal(
            appellant_id=actor, party=party, reason=reason, filed_at=at
        )
        self.children.append(self.appeal)
        self._event(at, "appeal", actor, party, State.APPEAL, note=reason)

    def do_close(self, at) -> None:
        self._close(at, Resolution.RULED)
        self._event(at, "close", None, "system", State.CLOSED)

    def _decide(self, at, decision: str, reasoning: str) -> None:
        judge = self.world.known["supervisor1"]
        self.appeal.decision, self.appeal.decided_by_id = decision, judge
        self.appeal.decided_at, self.appeal.reasoning = at, reasoning

    def do_uphold(self, at, reasoning: str) -> None:
        self._decide(at, Decision.UPHELD, reasoning)
        self._close(at, Resolution.UPHELD)
        self._event(
            at,
            "uphold",
            self.appeal.decided_by_id,
            "supervisor",
            State.CLOSED,
            note=reasoning,
        )

    def do_overturn(
        self, at, outcome: str, liability: str, amount: Decimal, reasoning: str
    ) -> None:
        cited = self._rule_cited(at)
        self._decide(at, Decision.OVERTURNED, reasoning)
        appeal, moved = self.appeal, None
        appeal.outcome, appeal.liability, appeal.rule = outcome, liability, cited
        appeal.amount = amount
        self.f.update(outcome=outcome, liability=liability)
        self._close(at, Resolution.OVERTURNED)
        refunded = self.f["refunded_amount"]
        if outcome == "buyer" and amount > refunded:
            moved = amount - refunded
            self._refund(at, moved, "overturn")
        elif outcome == "merchant" and refunded > 0:
            moved = appeal.compensation_amount = refunded
            self._refund(at, refunded, "compensation", kind=RefundKind.COMPENSATION)
        self._event(
            at,
            "overturn",
            appeal.decided_by_id,
            "supervisor",
            State.CLOSED,
            note=f"[{cited.code} v{cited.version}] {reasoning}",
            amount=moved,
        )

    def _finish(self) -> None:
        """Create the case row and hang every record of its story on it."""
        case = Dispute(
            state=self.state,
            version=self.version,
            updated_at=self.events[-1].created_at,
            **self.f,
        )
        refresh_deadline(case, self.policy)
        if case.state == State.APPEAL:
            # refresh_deadline counts from "now", i.e. from when the appeal was filed.
            case.deadline_at = self.appeal.filed_at + self.policy.ruling_sla
        self.chunk.disputes.append(case)
        for row in self.children:
            row.dispute = case
            self._file(row)
        for event in self.events:
            event.dispute = case
        self.chunk.events.extend(self.events)

    def _file(self, row) -> None:
        bucket = {
            Message: "messages",
            EvidenceRequest: "requests",
            Evidence: "evidence",
            Ruling: "rulings",
            Appeal: "appeals",
            Refund: "refunds",
        }[type(row)]
        getattr(self.chunk, bucket).append(row)
