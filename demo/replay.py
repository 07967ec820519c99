"""Play a scripted case through the real services, on a travelling clock.

Every step runs the service function the pages, the admin and the API call
(`disputes.services`), with the clock moved to the moment the step happens
(`time_machine.travel(..., tick=False)`): timestamps, deadlines, refund keys
and the timeline are exactly what production writes.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import time_machine
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from accounts.models import User
from disputes import selectors, services
from disputes.actions import EventKindName
from disputes.choices import (
    Liability,
    Outcome,
    Party,
    Reason,
    Remedy,
    RequestStatus,
    ReturnRefusal,
)
from disputes.models import Dispute, EvidenceRequest, PlatformRule
from disputes.precedents import precedents_for
from disputes.rules_pure import departs
from disputes.services.deadlines import dispute_sla_breach, dispute_sla_warn
from orders.carriers import Carrier
from orders.models import Order

from . import lines, vocab
from .script import CaseScript, World
from .sweeps import target_sweeps


class ServiceCase:
    """Runs one script's steps through the services; returns the case."""

    case: Dispute  # from the first step ("open") on

    def __init__(self, world: World) -> None:
        self.world = world
        self._users: dict[int, User] = {}
        self._files: dict[int, bytes] = {}

    def play(self, script: CaseScript, order: Order) -> Dispute:
        self.s, self.order = script, order
        self._handler: User | None = None
        for step in script.plan.steps:
            at = script.opened_at + step.at
            if step.action != EventKindName.OPEN:
                self._sweep(at)
            with time_machine.travel(at, tick=False):
                getattr(self, f"do_{step.action}")(**step.params)
        return self.case

    def _sweep(self, before: datetime) -> None:
        """What the deadline worker did to the case since the last step."""
        for kind, when in target_sweeps(self.case, before):
            handle = dispute_sla_warn if kind == "sla_warning" else dispute_sla_breach
            with time_machine.travel(when, tick=False):
                locked = Dispute.objects.select_for_update().select_related(
                    "store__category"
                )
                self.case = locked.get(pk=self.case.pk)
                handle(case=self.case)

    @property
    def handler(self) -> User:
        """The agent handling the case (steps after `take` only)."""
        if self._handler is None:
            raise ValueError("the script acts as the handler before a take")
        return self._handler

    def user(self, who: str | int) -> User:
        """A party ("buyer", "merchant", "agent": the handler) or a username."""
        if who == "agent":
            return self.handler
        if who == "buyer":
            who = self.s.buyer_id
        elif who == "merchant":
            who = self.s.store.owner_id
        elif isinstance(who, str):
            who = self.world.known[who]
        if who not in self._users:
            self._users[who] = User.objects.get(pk=who)
        return self._users[who]

    def _file(self, index: int) -> SimpleUploadedFile:
        spec = self.world.files[index]
        if index not in self._files:
            with default_storage.open(spec["file"]) as stored:
                self._files[index] = stored.read()
        return SimpleUploadedFile(
            spec["original_name"], self._files[index], spec["content_type"]
        )

    def _rule(self) -> PlatformRule:
        """The version in force of the rule this story cites (as the forms do)."""
        code = vocab.RULE_FOR_REASON[self.s.reason]
        return selectors.rules_in_force().get(code=code)

    def do_open(self) -> None:
        s = self.s
        self.case = services.dispute_open(
            actor=self.user("buyer"),
            order=self.order,
            reason=Reason(s.reason),
            remedy=Remedy(s.remedy),
            amount=s.claim,
            description=s.description,
        )

    def do_message(self, party: str, body: str) -> None:
        services.message_post(dispute=self.case, actor=self.user(party), body=body)

    def do_note(self, body: str) -> None:
        services.message_post(
            dispute=self.case, actor=self.handler, body=body, internal=True
        )

    def do_evidence(self, party: str, file: int, description: str) -> None:
        services.evidence_upload(
            dispute=self.case,
            actor=self.user(party),
            file=self._file(file),
            description=description,
        )

    def do_accept(self) -> None:
        self.case = services.dispute_accept(
            dispute=self.case, actor=self.user("merchant")
        )

    def do_offer(self, amount: Decimal, note: str) -> None:
        self.case = services.dispute_offer(
            dispute=self.case, actor=self.user("merchant"), amount=amount, note=note
        )

    def do_accept_offer(self) -> None:
        self.case = services.dispute_accept_offer(
            dispute=self.case, actor=self.user("buyer")
        )

    def do_reject(self, reason: str) -> None:
        self.case = services.dispute_reject(
            dispute=self.case, actor=self.user("merchant"), reason=reason
        )

    def do_request_intervention(self, party: str) -> None:
        self.case = services.dispute_request_intervention(
            dispute=self.case, actor=self.user(party)
        )

    def _silent_merchant(self, action: str) -> None:
        """The deadline worker's step, under the platform policy `action`."""
        policy = {**settings.DISPUTE_POLICY, "silent_merchant_action": action}
        with override_settings(DISPUTE_POLICY=policy):
            self.case = services.dispute_handle_silent_merchant(dispute=self.case)

    def do_auto_escalate(self) -> None:
        self._silent_merchant("complaint")

    def do_auto_refund(self) -> None:
        self._silent_merchant("auto_refund")

    def do_auto_accept(self) -> None:
        """A silent merchant on a goods claim, under the `auto_refund` policy."""
        self._silent_merchant("auto_refund")

    # The goods leg.
    def do_ship_return(self, carrier: str, tracking_number: str) -> None:
        self.case = services.dispute_ship_return(
            dispute=self.case,
            actor=self.user("buyer"),
            carrier=Carrier(carrier),
            tracking_number=tracking_number,
        )

    def do_confirm_return(self) -> None:
        self.case = services.dispute_confirm_return(
            dispute=self.case, actor=self.user("merchant")
        )

    def do_refuse_return(self, preset: str, reason: str) -> None:
        self.case = services.dispute_refuse_return(
            dispute=self.case,
            actor=self.user("merchant"),
            preset=ReturnRefusal(preset),
            reason=reason,
        )

    def do_ship_replacement(self, carrier: str, tracking_number: str) -> None:
        self.case = services.dispute_ship_replacement(
            dispute=self.case,
            actor=self.user("merchant"),
            carrier=Carrier(carrier),
            tracking_number=tracking_number,
        )

    def do_confirm_replacement(self) -> None:
        self.case = services.dispute_confirm_replacement(
            dispute=self.case, actor=self.user("buyer")
        )

    def do_lapse_return(self) -> None:
        self.case = services.dispute_goods_deadline(dispute=self.case)

    def do_auto_confirm_return(self) -> None:
        self.case = services.dispute_goods_deadline(dispute=self.case)

    def do_withdraw(self, note: str) -> None:
        self.case = services.dispute_withdraw(
            dispute=self.case, actor=self.user("buyer"), note=note
        )

    def do_take(self, by: str, assignee: str) -> None:
        self._handler = self.user(assignee)
        self.case = services.dispute_take(
            dispute=self.case,
            actor=self.user(by),
            assignee=None if by == assignee else self.handler,
        )

    def do_start_mediation(self) -> None:
        self.case = services.dispute_start_mediation(
            dispute=self.case, actor=self.handler
        )

    def do_request_evidence(self, party: str, what: str) -> None:
        self.case = services.dispute_request_evidence(
            dispute=self.case, actor=self.handler, party=Party(party), note=what
        )

    def do_evidence_timeout(self) -> None:
        request = EvidenceRequest.objects.filter(
            dispute=self.case, status=RequestStatus.OPEN
        ).order_by("created_at", "id")[0]
        services.evidence_request_expire(request=request)

    def do_propose(self, amount: Decimal, note: str) -> None:
        self.case = services.dispute_propose(
            dispute=self.case, actor=self.handler, amount=amount, note=note
        )

    def do_accept_proposal(self, party: str) -> None:
        self.case = services.dispute_accept_proposal(
            dispute=self.case, actor=self.user(party)
        )

    def do_rule(
        self,
        outcome: str,
        liability: str,
        amount: Decimal,
        reasoning: str,
        compensation: bool = False,
    ) -> None:
        self.case = services.dispute_rule(
            dispute=self.case,
            actor=self.handler,
            outcome=Outcome(outcome),
            liability=Liability(liability),
            rule=self._rule(),
            reasoning=reasoning,
            amount=amount if outcome == "buyer" else None,
            compensation=compensation,
            departure_reason=self._departure(outcome),
        )

    def _departure(self, outcome: str) -> str:
        """A departure reason when the decision goes against the similar
        cases' clear majority (the services refuse it without one)."""
        if not departs(precedents_for(self.case).majority, outcome):
            return ""
        return lines.DEPARTURE_REASONS[self.case.pk % len(lines.DEPARTURE_REASONS)]

    def do_appeal(self, party: str, reason: str) -> None:
        self.case = services.dispute_appeal(
            dispute=self.case, actor=self.user(party), reason=reason
        )

    def do_close(self) -> None:
        self.case = services.dispute_close_ruled(dispute=self.case)

    def do_uphold(self, by: str, reasoning: str) -> None:
        self.case = services.dispute_uphold(
            dispute=self.case, actor=self.user(by), reasoning=reasoning
        )

    def do_overturn(
        self,
        by: str,
        outcome: str,
        liability: str,
        amount: Decimal,
        reasoning: str,
        compensation: bool = False,
    ) -> None:
        self.case = services.dispute_overturn(
            dispute=self.case,
            actor=self.user(by),
            outcome=Outcome(outcome),
            liability=Liability(liability),
            rule=self._rule(),
            reasoning=reasoning,
            amount=amount if outcome == "buyer" else None,
            compensation=compensation,
            departure_reason=self._departure(outcome),
        )
