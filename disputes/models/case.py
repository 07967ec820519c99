"""The dispute case and its lifecycle (django-fsm).

The transitions only change fields in memory; the one entry point for each
action is its function in `disputes.services`, which locks the row, checks the
actor, saves, writes the timeline and moves money.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal
from typing import Any

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fastpath_fsm import ConcurrentTransitionMixin
from orders.models import Order
from stores.models import Store, Tier

from ..choices import (
    GOODS_REMEDIES,
    RETURN_REMEDIES,
    Channel,
    DeadlineKind,
    Liability,
    MerchantResponse,
    Outcome,
    Party,
    Reason,
    Remedy,
    Resolution,
    ReturnStep,
    State,
)
from ..rules_pure import case_number
from .guards import (
    appeal_window_open,
    appeal_window_passed,
    auto_refund_due,
    awaiting_replacement,
    awaiting_return,
    claim_moves_goods,
    has_offer,
    has_proposal,
    intervention_allowed,
    is_appeal_judge,
    is_buyer,
    is_handler,
    is_merchant,
    is_party,
    is_platform,
    is_supervisor,
    is_system,
    merchant_silent_past_deadline,
    never_appealed,
    replacement_in_transit,
    return_in_transit,
    step_due_passed,
    was_ruled,
)
from .policy import PolicyVersion

S = State
MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


def new_case_number() -> str:
    """A human-readable case number: D, the date, eight random digits."""
    return case_number(
        timezone.now(), secrets.randbelow(10**8), tz=timezone.get_default_timezone()
    )


class Dispute(ConcurrentTransitionMixin, models.Model):
    """An after-sales case between a buyer and a store about one order."""

    number = models.CharField(_("number"), max_length=24, unique=True)
    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        related_name="disputes",
        verbose_name=_("order"),
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="disputes",
        verbose_name=_("buyer"),
    )
    store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        related_name="disputes",
        verbose_name=_("store"),
    )
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)
    remedy = models.CharField(_("remedy"), max_length=16, choices=Remedy.choices)
    amount = models.DecimalField(_("claimed amount"), **MONEY)
    description = models.TextField(_("description"), blank=True)
    # Set when customer service opened the case for the buyer (phone, chat).
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("opened by (customer service)"),
    )
    channel = models.CharField(
        _("contact channel"), max_length=16, choices=Channel.choices, blank=True
    )
    # The policy version in force when the case opened: its terms to the end.
    policy_version = models.ForeignKey(
        PolicyVersion,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("policy version"),
    )

    state = fsm.FSMField(
        _("state"),
        max_length=16,
        choices=State.choices,
        default=S.NEGOTIATION,
        protected=True,
    )
    resolution = models.CharField(
        _("resolution"), max_length=16, choices=Resolution.choices, blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assigned_disputes",
        null=True,
        blank=True,
        verbose_name=_("assigned agent"),
    )

    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    merchant_deadline_at = models.DateTimeField(_("merchant deadline"), null=True)
    merchant_response = models.CharField(
        _("merchant response"),
        max_length=16,
        choices=MerchantResponse.choices,
        blank=True,
        default=MerchantResponse.NONE,
    )
    merchant_responded_at = models.DateTimeField(
        _("merchant first responded at"), null=True, blank=True
    )
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    offer_amount = models.DecimalField(_("offer"), null=True, blank=True, **MONEY)
    offer_note = models.TextField(_("offer note"), blank=True)

    intervened_at = models.DateTimeField(_("intervened at"), null=True, blank=True)
    intervention_requested_by = models.CharField(
        _("intervention requested by"), max_length=16, blank=True
    )
    taken_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    evidence_deadline_at = models.DateTimeField(
        _("evidence deadline"), null=True, blank=True
    )
    proposal_amount = models.DecimalField(_("proposal"), null=True, blank=True, **MONEY)
    proposal_note = models.TextField(_("proposal note"), blank=True)
    proposal_buyer_accepted_at = models.DateTimeField(null=True, blank=True)
    proposal_merchant_accepted_at = models.DateTimeField(null=True, blank=True)

    ruled_at = models.DateTimeField(_("ruled at"), null=True, blank=True)
    # Set at opening when the store's governance tier sends its new cases to
    # the platform's priority queue (stores.governance.is_restricted).
    priority_queue = models.BooleanField(_("priority queue"), default=False)
    # The store's tier that sent it there (worded by stores.governance).
    priority_tier = models.CharField(
        _("store tier at opening"), max_length=16, choices=Tier.choices, blank=True
    )
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("ruled by"),
    )
    appeal_deadline_at = models.DateTimeField(
        _("appeal deadline"), null=True, blank=True
    )
    outcome = models.CharField(
        _("final outcome"), max_length=16, choices=Outcome.choices, blank=True
    )
    liability = models.CharField(
        _("final liability"), max_length=16, choices=Liability.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    refunded_amount = models.DecimalField(
        _("refunded"), default=Decimal("0.00"), **MONEY
    )

    # Agents' service-level targets: set once when a target is missed, kept
    # after the case moves on (the reports' compliance figures read these).
    pickup_breached_at = models.DateTimeField(
        _("pick-up target missed at"), null=True, blank=True
    )
    ruling_breached_at = models.DateTimeField(
        _("ruling target missed at"), null=True, blank=True
    )
    # The agents' current target on the working calendar (pick-up while a
    # complaint waits, ruling from pick-up on) and its 80 % warning point;
    # the warning is sent once per target.
    sla_due_at = models.DateTimeField(_("agent target due"), null=True, blank=True)
    sla_warn_at = models.DateTimeField(
        _("agent target warning at"), null=True, blank=True
    )
    pickup_warned_at = models.DateTimeField(
        _("pick-up target warning sent at"), null=True, blank=True
    )
    ruling_warned_at = models.DateTimeField(
        _("ruling target warning sent at"), null=True, blank=True
    )

    # Goods (DESIGN.md "Goods as well as money"): while `returning`, where the
    # goods are, when the current step is due (and its 80 % warning was sent),
    # the refund held until the goods come back, and the resolution the case
    # closes with once the goods leg ends.
    return_step = models.CharField(
        _("return step"), max_length=24, choices=ReturnStep.choices, blank=True
    )
    step_due_at = models.DateTimeField(_("goods step due"), null=True, blank=True)
    step_warned_at = models.DateTimeField(
        _("goods step warning sent at"), null=True, blank=True
    )
    held_amount = models.DecimalField(
        _("refund held until the goods are back"), null=True, blank=True, **MONEY
    )
    settles_as = models.CharField(
        _("closes as"), max_length=16, choices=Resolution.choices, blank=True
    )
    step_warn_at = models.DateTimeField(
        _("goods step warning at"), null=True, blank=True
    )
    # Set when the goods leg failed and went to the platform (returned goods
    # refused, no replacement sent): the case is then decided once, in money.
    goods_escalated_at = models.DateTimeField(
        _("goods sent to the platform at"), null=True, blank=True
    )
    # When the merchant refused the returned goods (store health counts a
    # refusal the platform then decided for the buyer).
    return_refused_at = models.DateTimeField(
        _("return refused at"), null=True, blank=True
    )

    # Whether the claim names items and whether a parcel was ever sent: a case
    # page or API detail reads those tables only when they can hold a row (most
    # cases have neither: two queries fewer per detail, issue 25).
    names_items = models.BooleanField(_("names items"), default=False)
    has_parcels = models.BooleanField(_("parcels sent"), default=False)

    deadline_at = models.DateTimeField(_("next deadline"), null=True, blank=True)
    deadline_kind = models.CharField(
        _("deadline kind"), max_length=24, choices=DeadlineKind.choices, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The timeline's hash chain: how many entries and the last one's hash
    # (so deleting the newest entries is caught too); see record_chain.
    record_length = models.PositiveIntegerField(_("timeline entries"), default=0)
    record_head = models.CharField(_("timeline head hash"), max_length=64, blank=True)
    # When the retention purge erased the texts and files (past retention).
    record_purged_at = models.DateTimeField(
        _("record purged at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-opened_at", "-id"]
        # Each list the workbench and the API offer reads its page in index
        # order (tests/disputes/test_indexes.py; bench/million.py checks plans):
        # the queue by deadline (NULLS LAST, newest id first), the API by
        # opening time, each optionally by state, agent, store or buyer.
        indexes = [
            models.Index(
                fields=["state", "deadline_at", "-id"], name="dispute_state_deadline"
            ),
            models.Index(fields=["deadline_at", "-id"], name="dispute_deadline"),
            # The priority queue (restricted stores' cases), by deadline.
            models.Index(
                fields=["deadline_at", "-id"],
                condition=Q(priority_queue=True),
                name="dispute_priority_deadline",
            ),
            # The queue by reason, and its capped count (index-only).
            models.Index(
                fields=["reason", "deadline_at", "-id"], name="dispute_reason_deadline"
            ),
            models.Index(
                fields=["state", "-opened_at", "-id"], name="dispute_state_opened"
            ),
            models.Index(
                fields=["assigned_to", "-opened_at", "-id"],
                name="dispute_assigned_opened",
            ),
            models.Index(fields=["assigned_to", "state"]),
            models.Index(fields=["buyer", "-opened_at"]),
            models.Index(fields=["store", "-opened_at"]),
            # A merchant's open tabs: the store's open cases by deadline.
            models.Index(
                fields=["store", "deadline_at"],
                condition=~Q(state="closed"),
                name="dispute_store_open_deadline",
            ),
            # The workbench's overdue list: the open cases by deadline (a
            # small index; the planner joined and sorted every overdue case
            # otherwise: 32 ms -> 1.7 ms of SQL with 3,396 overdue at 1M).
            models.Index(
                fields=["deadline_at", "-id"],
                condition=~Q(state="closed"),
                name="dispute_open_deadline",
            ),
            # A merchant's closed tab and its badge: the store's cases of one
            # state, newest first (issue 25: the badge's capped count read
            # the table in full order at 1M, a sequential scan).
            models.Index(
                fields=["store", "state", "-opened_at", "-id"],
                name="dispute_store_state_opened",
            ),
            # Precedents: the most recently decided cases of one reason, and
            # of any reason; the store rides along (PostgreSQL: index-only
            # scans filtered by the category's stores).
            models.Index(
                fields=["reason", "-ruled_at"],
                include=["store", "id"],
                condition=Q(ruled_at__isnull=False),
                name="dispute_decided_reason_store",
            ),
            models.Index(
                fields=["-ruled_at"],
                include=["reason", "store", "id"],
                condition=Q(ruled_at__isnull=False),
                name="dispute_decided_recent",
            ),
            models.Index(fields=["opened_at"]),
            models.Index(fields=["intervened_at"]),
            models.Index(fields=["sla_warn_at"]),
            models.Index(fields=["sla_due_at"]),
            # The goods sweeps: returning cases by their step's due time.
            models.Index(
                fields=["step_due_at"],
                condition=Q(state="returning"),
                name="dispute_returning_step_due",
            ),
        ]
        constraints = [
            # An exchange or a resend may carry no amount (the goods move).
            models.CheckConstraint(
                condition=Q(amount__gt=0)
                | Q(amount=0, remedy__in=["exchange", "resend"]),
                name="dispute_amount_positive",
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=~Q(state="closed"),
                name="one_open_dispute_per_order",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return f"/disputes/{self.number}/"

    @property
    def is_open(self) -> bool:
        return bool(self.state != S.CLOSED)

    def _close(self, resolution: str) -> None:
        self.resolution = resolution
        self.closed_at = timezone.now()

    # Goods (DESIGN.md "Goods as well as money"): a settlement whose remedy
    # moves goods leads into `returning`; the money follows the goods.
    @property
    def moves_goods(self) -> bool:
        """Whether a settlement of this case now opens a goods leg: its remedy
        moves goods and no goods leg failed before (a case whose goods leg
        went to the platform is decided once, in money)."""
        return self.remedy in GOODS_REMEDIES and self.goods_escalated_at is None

    def _settle(
        self, resolution: str, *, held: Decimal | None, remedy: str | None = None
    ) -> str:
        """Close with `resolution`, or enter `returning` when the remedy moves
        goods (then `held` is refunded once the goods come back). The target."""
        if remedy is not None:
            self.remedy = remedy
        if not self.moves_goods:
            self._close(resolution)
            return S.CLOSED
        self.settles_as = resolution
        self.held_amount = held if held else None
        first = (
            ReturnStep.AWAITING_RETURN
            if self.remedy in RETURN_REMEDIES
            else ReturnStep.AWAITING_REPLACEMENT
        )
        self.return_step = first
        return S.RETURNING

    def _goods_done(self) -> str:
        """The goods leg ended well: close as settled, or go back to `ruled`
        while a ruling's appeal window is still open (the merchant keeps the
        right to appeal; the money already moved, an overturn never claws it
        back)."""
        self.return_step = ""
        if self.settles_as == Resolution.RULED and appeal_window_open(self):
            return S.RULED
        self._close(self.settles_as or Resolution.AGREED)
        return S.CLOSED

    def _goods_to_platform(self) -> str:
        """The goods leg failed (returned goods refused, no replacement sent):
        the platform decides. A case never ruled goes to the complaint queue
        (one intervention, however often); a ruled case to a supervisor, as
        an appeal; either way the decision settles in money (no new leg)."""
        self.return_step = ""
        self.settles_as = ""  # the platform's decision settles it now
        self.goods_escalated_at = timezone.now()
        if self.ruled_at is None:
            if self.intervened_at is None:
                self.intervened_at = self.goods_escalated_at
                self.intervention_requested_by = Party.MERCHANT
            return S.COMPLAINT
        return S.APPEAL

    # Negotiation between the parties.
    @fsm.transition(
        state,
        source=S.NEGOTIATION,
        target=fsm.RETURN_VALUE(S.CLOSED, S.RETURNING),
        permission=is_merchant,
    )
    def accept(self) -> str:
        """The merchant accepts the claim as made."""
        self._respond(MerchantResponse.ACCEPTED)
        return self._settle(Resolution.AGREED, held=self.amount)

    @fsm.transition(
        state, source=S.NEGOTIATION, target=S.NEGOTIATION, permission=is_merchant
    )
    def offer(self, *, amount: Decimal, note: str) -> None:
        """The merchant counter-offers a smaller amount; it replaces an earlier one."""
        self._respond(MerchantResponse.OFFERED)
        self.offer_amount, self.offer_note = amount, note
        self.rejection_reason = ""

    @fsm.transition(
        state,
        source=S.NEGOTIATION,
        target=fsm.RETURN_VALUE(S.CLOSED, S.RETURNING),
        conditions=[has_offer],
        permission=is_buyer,
    )
    def accept_offer(self) -> str:
        """The buyer accepts the merchant's counter-offer."""
        return self._settle(Resolution.AGREED, held=self.offer_amount)

    @fsm.transition(
        state, source=S.NEGOTIATION, target=S.NEGOTIATION, permission=is_merchant
    )
    def reject(self, *, reason: str) -> None:
        """The merchant rejects the claim with a reason; an open offer is withdrawn."""
        self._respond(MerchantResponse.REJECTED)
        self.rejection_reason = reason
        self.offer_amount, self.offer_note = None, ""

    def _respond(self, response: str) -> None:
        self.merchant_response = response
        if self.merchant_responded_at is None:
            self.merchant_responded_at = timezone.now()

    @fsm.transition(
        state,
        source=S.NEGOTIATION,
        target=S.COMPLAINT,
        conditions=[intervention_allowed],
        permission=is_party,
    )
    def request_intervention(self, *, party: str) -> None:
        """A party asks the platform to step in: the intervention event."""
        self.intervened_at = timezone.now()
        self.intervention_requested_by = party

    @fsm.transition(
        state, source=S.NEGOTIATION, target=S.COMPLAINT, permission=is_platform
    )
    def escalate(self, *, party: str) -> None:
        """Customer service escalates a negotiation at a party's request."""
        self.intervened_at = timezone.now()
        self.intervention_requested_by = party

    @fsm.transition(
        state,
        source=S.NEGOTIATION,
        target=S.COMPLAINT,
        conditions=[merchant_silent_past_deadline],
        permission=is_system,
    )
    def auto_escalate(self) -> None:
        """The merchant stayed silent: the case goes to the platform."""
        self.intervened_at = timezone.now()
        self.intervention_requested_by = "system"

    @fsm.transition(
        state,
        source=S.NEGOTIATION,
        target=S.CLOSED,
        conditions=[auto_refund_due],
        permission=is_system,
    )
    def auto_refund(self) -> None:
        """The merchant stayed silent, or the policy refunds this small claim
        on an unshipped order at once: the buyer is refunded in full."""
        self._close(Resolution.AUTO_REFUNDED)

    @fsm.transition(
        state,
        source=S.NEGOTIATION,
        target=S.RETURNING,
        conditions=[merchant_silent_past_deadline, claim_moves_goods],
        permission=is_system,
    )
    def auto_accept(self) -> None:
        """The merchant stayed silent on a claim that moves goods and the policy
        refunds silent merchants' buyers: taken as the merchant accepting the
        claim (商家超时未处理，系统视为同意), the goods move as after `accept`.
        The merchant did not answer: `merchant_response` stays unset."""
        self._settle(Resolution.AGREED, held=self.amount)

    @fsm.transition(
        state,
        source=[S.NEGOTIATION, S.COMPLAINT, S.VERIFICATION, S.MEDIATION],
        target=S.CLOSED,
        permission=is_buyer,
    )
    def withdraw(self) -> None:
        """The buyer drops the case."""
        self._close(Resolution.WITHDRAWN)

    # The platform steps in.
    @fsm.transition(
        state, source=S.COMPLAINT, target=S.VERIFICATION, permission=is_platform
    )
    def take(self, *, assignee_id: int, evidence_deadline_at: datetime) -> None:
        """An agent picks up the complaint (a supervisor may assign anyone)."""
        self.assigned_to_id = assignee_id
        self.taken_at = timezone.now()
        self.evidence_deadline_at = evidence_deadline_at

    @fsm.transition(
        state,
        source=[S.VERIFICATION, S.MEDIATION],
        target=fsm.RETURN_VALUE(S.VERIFICATION, S.MEDIATION),
        permission=is_supervisor,
    )
    def assign(self, *, assignee_id: int) -> str:
        """A supervisor hands the case to another agent."""
        self.assigned_to_id = assignee_id
        return str(self.state)

    @fsm.transition(
        state, source=S.VERIFICATION, target=S.MEDIATION, permission=is_handler
    )
    def start_mediation(self) -> None:
        """The agent starts mediating between the parties."""

    @fsm.transition(
        state, source=S.MEDIATION, target=S.MEDIATION, permission=is_handler
    )
    def propose(self, *, amount: Decimal, note: str) -> None:
        """The agent proposes a settlement; both parties must accept it."""
        self.proposal_amount, self.proposal_note = amount, note
        self.proposal_buyer_accepted_at = None
        self.proposal_merchant_accepted_at = None

    @fsm.transition(
        state,
        source=S.MEDIATION,
        target=fsm.RETURN_VALUE(S.MEDIATION, S.CLOSED, S.RETURNING),
        conditions=[has_proposal],
        permission=is_party,
    )
    def accept_proposal(self, *, party: str) -> str:
        """A party accepts the proposal; the case settles once both have."""
        now = timezone.now()
        if party == Party.BUYER:
            self.proposal_buyer_accepted_at = now
        else:
            self.proposal_merchant_accepted_at = now
        if self.proposal_buyer_accepted_at and self.proposal_merchant_accepted_at:
            return self._settle(Resolution.MEDIATED, held=self.proposal_amount)
        return S.MEDIATION

    @fsm.transition(
        state,
        source=S.MEDIATION,
        target=S.MEDIATION,
        conditions=[has_proposal],
        permission=is_party,
    )
    def decline_proposal(self) -> None:
        """A party says no (不接受): the proposal is off the table; the agent
        proposes again or rules."""
        self.proposal_amount, self.proposal_note = None, ""
        self.proposal_buyer_accepted_at = None
        self.proposal_merchant_accepted_at = None

    @fsm.transition(
        state,
        source=[S.COMPLAINT, S.VERIFICATION, S.MEDIATION],
        target=fsm.RETURN_VALUE(S.CLOSED, S.RETURNING),
        permission=is_merchant,
    )
    def concede(self) -> str:
        """The merchant agrees to the claim while the platform is involved."""
        self._respond(MerchantResponse.ACCEPTED)
        return self._settle(Resolution.AGREED, held=self.amount)

    @fsm.transition(
        state,
        source=[S.VERIFICATION, S.MEDIATION],
        target=fsm.RETURN_VALUE(S.VERIFICATION, S.MEDIATION),
        permission=is_handler,
    )
    def request_evidence(self) -> str:
        """The agent asks a party for evidence (the request is its own record)."""
        return str(self.state)

    @fsm.transition(
        state,
        source=[S.VERIFICATION, S.MEDIATION],
        target=fsm.RETURN_VALUE(S.RULED, S.RETURNING),
        permission=is_handler,
    )
    def rule(
        self,
        *,
        outcome: str,
        liability: str,
        ruled_by_id: int,
        appeal_deadline_at: datetime,
        remedy: str | None = None,
        held: Decimal | None = None,
    ) -> str:
        """The agent rules; the appeal window opens. A buyer win whose remedy
        moves goods goes to `returning` at once (the buyer ships without
        waiting for the window; the merchant may still appeal from there)."""
        self.outcome, self.liability = outcome, liability
        self.ruled_by_id = ruled_by_id
        self.ruled_at = timezone.now()
        self.appeal_deadline_at = appeal_deadline_at
        if outcome == Outcome.BUYER and remedy is not None:
            self.remedy = remedy
            if self.moves_goods:
                return self._settle(Resolution.RULED, held=held)
        return S.RULED

    @fsm.transition(
        state,
        source=[S.RULED, S.RETURNING],
        target=S.APPEAL,
        conditions=[was_ruled, appeal_window_open, never_appealed],
        permission=is_party,
    )
    def appeal(self) -> None:
        """A party appeals the ruling while the window is open, once per case
        (also while the goods of a ruling travel: the goods leg waits for the
        supervisor and goes on if the ruling stands)."""

    @fsm.transition(
        state,
        source=S.RULED,
        target=S.CLOSED,
        conditions=[appeal_window_passed],
        permission=is_system,
    )
    def close(self) -> None:
        """Nobody appealed in time: the ruling is final."""
        self._close(Resolution.RULED)

    @fsm.transition(
        state,
        source=S.APPEAL,
        target=fsm.RETURN_VALUE(S.CLOSED, S.RETURNING),
        permission=is_appeal_judge,
    )
    def uphold(self, *, resume_step: str = "") -> str:
        """A supervisor confirms the ruling; goods still travelling go on
        (`resume_step`: the step the appeal interrupted)."""
        if resume_step:
            self.return_step = resume_step
            self.settles_as = Resolution.UPHELD
            return S.RETURNING
        self._close(Resolution.UPHELD)
        return S.CLOSED

    @fsm.transition(
        state,
        source=S.APPEAL,
        target=fsm.RETURN_VALUE(S.CLOSED, S.RETURNING),
        permission=is_appeal_judge,
    )
    def overturn(
        self,
        *,
        outcome: str,
        liability: str,
        resume_step: str = "",
        held: Decimal | None = None,
    ) -> str:
        """A supervisor replaces the ruling; a buyer win whose goods still
        travel goes on with them (`resume_step`), the money `held`."""
        self.outcome, self.liability = outcome, liability
        if resume_step and outcome == Outcome.BUYER:
            self.return_step = resume_step
            self.settles_as = Resolution.OVERTURNED
            self.held_amount = held if held else None
            return S.RETURNING
        self.return_step = ""
        self._close(Resolution.OVERTURNED)
        return S.CLOSED

    # The goods leg (`returning`).
    @fsm.transition(
        state,
        source=S.RETURNING,
        target=S.RETURNING,
        conditions=[awaiting_return],
        permission=is_buyer,
    )
    def ship_return(self) -> None:
        """The buyer sends the goods back (the shipment is its own record)."""
        self.return_step = ReturnStep.RETURN_IN_TRANSIT

    @fsm.transition(
        state,
        source=S.RETURNING,
        target=fsm.RETURN_VALUE(S.CLOSED, S.RULED, S.RETURNING),
        conditions=[return_in_transit],
        permission=is_merchant,
    )
    def confirm_return(self) -> str:
        """The merchant confirms the goods came back: a return is refunded and
        settled, an exchange waits for the replacement."""
        return self._return_received()

    def _return_received(self) -> str:
        if self.remedy == Remedy.EXCHANGE:
            self.return_step = ReturnStep.AWAITING_REPLACEMENT
            return S.RETURNING
        return self._goods_done()

    @fsm.transition(
        state,
        source=S.RETURNING,
        target=fsm.RETURN_VALUE(S.CLOSED, S.RULED, S.RETURNING),
        conditions=[return_in_transit, step_due_passed],
        permission=is_system,
    )
    def auto_confirm_return(self) -> str:
        """The merchant neither confirmed nor refused in time: taken as received."""
        return self._return_received()

    @fsm.transition(
        state,
        source=S.RETURNING,
        target=fsm.RETURN_VALUE(S.COMPLAINT, S.APPEAL),
        conditions=[return_in_transit],
        permission=is_merchant,
    )
    def refuse_return(self) -> str:
        """The merchant refuses the returned goods: the platform decides."""
        self.return_refused_at = self.return_refused_at or timezone.now()
        return self._goods_to_platform()

    @fsm.transition(
        state,
        source=S.RETURNING,
        target=S.CLOSED,
        conditions=[awaiting_return, step_due_passed],
        permission=is_system,
    )
    def lapse_return(self) -> None:
        """The buyer did not send the goods back in time: closed, no refund."""
        self.return_step = ""
        self.held_amount = None
        self._close(Resolution.RETURN_LAPSED)

    @fsm.transition(
        state,
        source=S.RETURNING,
        target=S.RETURNING,
        conditions=[awaiting_replacement],
        permission=is_merchant,
    )
    def ship_replacement(self) -> None:
        """The merchant sends the replacement or the missing parts."""
        self.return_step = ReturnStep.REPLACEMENT_IN_TRANSIT

    @fsm.transition(
        state,
        source=S.RETURNING,
        target=fsm.RETURN_VALUE(S.COMPLAINT, S.APPEAL),
        conditions=[awaiting_replacement, step_due_passed],
        permission=is_system,
    )
    def replacement_overdue(self) -> str:
        """The merchant did not send the replacement in time: the platform decides."""
        return self._goods_to_platform()

    @fsm.transition(
        state,
        source=S.RETURNING,
        target=fsm.RETURN_VALUE(S.CLOSED, S.RULED),
        conditions=[replacement_in_transit],
        permission=is_buyer,
    )
    def confirm_replacement(self) -> str:
        """The buyer confirms the replacement arrived."""
        return self._goods_done()

    @fsm.transition(
        state,
        source=S.RETURNING,
        target=fsm.RETURN_VALUE(S.CLOSED, S.RULED),
        conditions=[replacement_in_transit, step_due_passed],
        permission=is_system,
    )
    def auto_confirm_replacement(self) -> str:
        """The buyer did not confirm in time: taken as received."""
        return self._goods_done()
