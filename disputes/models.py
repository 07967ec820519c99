"""A dispute case, its lifecycle (django-fsm) and its records.

The transitions below only change fields in memory; the one entry point for
each action is its function in `disputes.services`, which locks the row,
checks the actor, saves, writes the timeline and moves money.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.roles import role_of
from accounts.scoping import party_of
from orders.models import Order
from stores.models import Store

from .choices import (
    DeadlineKind,
    Decision,
    Liability,
    MerchantResponse,
    Outcome,
    Party,
    Reason,
    Remedy,
    RequestStatus,
    Resolution,
    State,
)

S = State
MONEY = {"max_digits": 12, "decimal_places": 2}


def new_case_number() -> str:
    """A human-readable case number: D, the date, eight random digits."""
    now = timezone.localtime()
    return f"D{now:%y%m%d}{secrets.randbelow(10**8):08d}"


# Who may run a transition (django-fsm `permission` callables).
def is_buyer(case: Dispute, user: object) -> bool:
    return party_of(user, case) == Party.BUYER


def is_merchant(case: Dispute, user: object) -> bool:
    return party_of(user, case) == Party.MERCHANT


def is_party(case: Dispute, user: object) -> bool:
    return party_of(user, case) is not None


def is_platform(case: Dispute, user: object) -> bool:
    return role_of(user) in (Role.AGENT, Role.SUPERVISOR)


def is_handler(case: Dispute, user: object) -> bool:
    """The assigned agent, or any supervisor."""
    role = role_of(user)
    if role == Role.SUPERVISOR:
        return True
    return role == Role.AGENT and case.assigned_to_id == user.pk


def is_supervisor(case: Dispute, user: object) -> bool:
    return role_of(user) == Role.SUPERVISOR


def is_appeal_judge(case: Dispute, user: object) -> bool:
    """A supervisor who did not make the ruling under appeal."""
    return is_supervisor(case, user) and case.ruled_by_id != user.pk


def is_system(case: Dispute, user: object) -> bool:
    return user is None


# Guards (django-fsm `conditions`): side-effect free, they read the clock.
def has_offer(case: Dispute) -> bool:
    return case.offer_amount is not None


def intervention_allowed(case: Dispute) -> bool:
    """After the merchant rejected or offered, or once the response deadline passed."""
    if case.merchant_response in (MerchantResponse.REJECTED, MerchantResponse.OFFERED):
        return True
    return case.merchant_deadline_at is not None and (
        timezone.now() >= case.merchant_deadline_at
    )


def merchant_silent_past_deadline(case: Dispute) -> bool:
    return (
        case.merchant_response == MerchantResponse.NONE
        and case.merchant_deadline_at is not None
        and timezone.now() >= case.merchant_deadline_at
    )


def has_proposal(case: Dispute) -> bool:
    return case.proposal_amount is not None


def appeal_window_open(case: Dispute) -> bool:
    return case.appeal_deadline_at is not None and timezone.now() <= (
        case.appeal_deadline_at
    )


def appeal_window_passed(case: Dispute) -> bool:
    return case.appeal_deadline_at is not None and timezone.now() > (
        case.appeal_deadline_at
    )


intervention_allowed.message = _(  # type: ignore[attr-defined]
    "Intervention can be requested only after the merchant rejected or made an "
    "offer, or once the merchant's response deadline has passed."
)
has_offer.message = _("There is no offer to accept.")  # type: ignore[attr-defined]
has_proposal.message = _("There is no proposal to accept.")  # type: ignore[attr-defined]
appeal_window_open.message = _("The appeal window has closed.")  # type: ignore[attr-defined]
appeal_window_passed.message = _("The appeal window is still open.")  # type: ignore[attr-defined]
merchant_silent_past_deadline.message = _(  # type: ignore[attr-defined]
    "The merchant answered or the response deadline has not passed."
)


class Dispute(fsm.ConcurrentTransitionMixin, models.Model):
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

    deadline_at = models.DateTimeField(_("next deadline"), null=True, blank=True)
    deadline_kind = models.CharField(
        _("deadline kind"), max_length=24, choices=DeadlineKind.choices, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["state", "deadline_at"]),
            models.Index(fields=["deadline_at"]),
            models.Index(fields=["assigned_to", "state"]),
            models.Index(fields=["buyer", "-opened_at"]),
            models.Index(fields=["store", "-opened_at"]),
            models.Index(fields=["opened_at"]),
            models.Index(fields=["intervened_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="dispute_amount_positive"
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
        return self.state != S.CLOSED

    def _close(self, resolution: str) -> None:
        self.resolution = resolution
        self.closed_at = timezone.now()

    # Negotiation between the parties.
    @fsm.transition(
        state, source=S.NEGOTIATION, target=S.CLOSED, permission=is_merchant
    )
    def accept(self) -> None:
        """The merchant accepts the claim as made."""
        self._respond(MerchantResponse.ACCEPTED)
        self._close(Resolution.AGREED)

    @fsm.transition(
        state, source=S.NEGOTIATION, target=S.NEGOTIATION, permission=is_merchant
    )
    def offer(self, *, amount: Decimal, note: str) -> None:
        """The merchant counter-offers a smaller amount."""
        self._respond(MerchantResponse.OFFERED)
        self.offer_amount, self.offer_note = amount, note

    @fsm.transition(
        state,
        source=S.NEGOTIATION,
        target=S.CLOSED,
        conditions=[has_offer],
        permission=is_buyer,
    )
    def accept_offer(self) -> None:
        """The buyer accepts the merchant's counter-offer."""
        self._close(Resolution.AGREED)

    @fsm.transition(
        state, source=S.NEGOTIATION, target=S.NEGOTIATION, permission=is_merchant
    )
    def reject(self, *, reason: str) -> None:
        """The merchant rejects the claim, giving a reason."""
        self._respond(MerchantResponse.REJECTED)
        self.rejection_reason = reason

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
        conditions=[merchant_silent_past_deadline],
        permission=is_system,
    )
    def auto_refund(self) -> None:
        """The merchant stayed silent: the buyer is refunded in full."""
        self._close(Resolution.AUTO_REFUNDED)

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
    def take(self, *, assignee_id: int, evidence_deadline_at: object) -> None:
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
        return self.state

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
        target=fsm.RETURN_VALUE(S.MEDIATION, S.CLOSED),
        conditions=[has_proposal],
        permission=is_party,
    )
    def accept_proposal(self, *, party: str) -> str:
        """A party accepts the proposal; the case closes once both have."""
        now = timezone.now()
        if party == Party.BUYER:
            self.proposal_buyer_accepted_at = now
        else:
            self.proposal_merchant_accepted_at = now
        if self.proposal_buyer_accepted_at and self.proposal_merchant_accepted_at:
            self._close(Resolution.MEDIATED)
            return S.CLOSED
        return S.MEDIATION

    @fsm.transition(
        state,
        source=[S.VERIFICATION, S.MEDIATION],
        target=fsm.RETURN_VALUE(S.VERIFICATION, S.MEDIATION),
        permission=is_handler,
    )
    def request_evidence(self) -> str:
        """The agent asks a party for evidence (the request is its own record)."""
        return self.state

    @fsm.transition(
        state,
        source=[S.VERIFICATION, S.MEDIATION],
        target=S.RULED,
        permission=is_handler,
    )
    def rule(
        self, *, outcome: str, liability: str, ruled_by_id: int, appeal_deadline_at
    ) -> None:
        """The agent rules; the appeal window opens."""
        self.outcome, self.liability = outcome, liability
        self.ruled_by_id = ruled_by_id
        self.ruled_at = timezone.now()
        self.appeal_deadline_at = appeal_deadline_at

    @fsm.transition(
        state,
        source=S.RULED,
        target=S.APPEAL,
        conditions=[appeal_window_open],
        permission=is_party,
    )
    def appeal(self) -> None:
        """A party appeals the ruling (once per case)."""

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

    @fsm.transition(state, source=S.APPEAL, target=S.CLOSED, permission=is_appeal_judge)
    def uphold(self) -> None:
        """A supervisor confirms the ruling."""
        self._close(Resolution.UPHELD)

    @fsm.transition(state, source=S.APPEAL, target=S.CLOSED, permission=is_appeal_judge)
    def overturn(self, *, outcome: str, liability: str) -> None:
        """A supervisor replaces the ruling."""
        self.outcome, self.liability = outcome, liability
        self._close(Resolution.OVERTURNED)


class PlatformRuleQuerySet(models.QuerySet):
    def in_force(self, at=None) -> PlatformRuleQuerySet:
        """The newest version of each rule code that is effective at `at`."""
        at = at or timezone.now()
        newer = PlatformRule.objects.filter(
            code=models.OuterRef("code"),
            effective_from__lte=at,
            version__gt=models.OuterRef("version"),
        )
        return self.filter(effective_from__lte=at).exclude(models.Exists(newer))


class PlatformRule(models.Model):
    """One version of a published platform rule; versions are never rewritten."""

    code = models.SlugField(_("code"), max_length=32)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    effective_from = models.DateTimeField(_("effective from"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PlatformRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("platform rule")
        verbose_name_plural = _("platform rules")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="rule_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version} · {self.title}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("A published rule version is never rewritten.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Published rule versions are kept.")


class Ruling(models.Model):
    """The platform's ruling on a case."""

    dispute = models.OneToOneField(
        Dispute, on_delete=models.PROTECT, related_name="ruling"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    liability = models.CharField(
        _("liability"), max_length=16, choices=Liability.choices
    )
    amount = models.DecimalField(_("amount"), default=Decimal("0.00"), **MONEY)
    rule = models.ForeignKey(
        PlatformRule, on_delete=models.PROTECT, related_name="+", verbose_name=_("rule")
    )
    reasoning = models.TextField(_("reasoning"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("ruling")
        verbose_name_plural = _("rulings")

    def __str__(self) -> str:
        return f"{self.dispute}: {self.get_outcome_display()}"


class Appeal(models.Model):
    """A party's appeal of a ruling and the supervisor's decision on it."""

    dispute = models.OneToOneField(
        Dispute, on_delete=models.PROTECT, related_name="appeal_record"
    )
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    party = models.CharField(_("party"), max_length=16, choices=Party.choices)
    reason = models.TextField(_("reason"))
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    decision = models.CharField(
        _("decision"), max_length=16, choices=Decision.choices, blank=True
    )
    outcome = models.CharField(
        _("new outcome"), max_length=16, choices=Outcome.choices, blank=True
    )
    liability = models.CharField(
        _("new liability"), max_length=16, choices=Liability.choices, blank=True
    )
    amount = models.DecimalField(_("new amount"), null=True, blank=True, **MONEY)
    compensation_amount = models.DecimalField(
        _("platform compensation"), null=True, blank=True, **MONEY
    )
    rule = models.ForeignKey(
        PlatformRule, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reasoning = models.TextField(_("reasoning"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.dispute}: appeal by {self.party}"


class Message(models.Model):
    """A public reply on the case, or an internal note only staff see."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.PROTECT, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    author_role = models.CharField(_("author role"), max_length=16)
    body = models.TextField(_("message"))
    internal = models.BooleanField(_("internal note"), default=False)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class EvidenceRequest(models.Model):
    """An agent's request for evidence from one party, with a due time."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.PROTECT, related_name="evidence_requests"
    )
    party = models.CharField(_("party"), max_length=16, choices=Party.choices)
    what = models.TextField(_("what is needed"))
    due_at = models.DateTimeField(_("due at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RequestStatus.choices,
        default=RequestStatus.OPEN,
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evidence request")
        verbose_name_plural = _("evidence requests")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.dispute}: {self.party} by {self.due_at:%Y-%m-%d %H:%M}"


def evidence_path(instance: Evidence, filename: str) -> str:
    """A random stored name; the uploader's file name is kept only as data."""
    now = timezone.now()
    return f"evidence/{now:%Y/%m}/{secrets.token_hex(16)}{instance.extension}"


class Evidence(models.Model):
    """An uploaded file supporting one side of the case."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.PROTECT, related_name="evidence"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    party = models.CharField(_("submitted as"), max_length=16)
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=64)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("description"), max_length=500, blank=True)
    request = models.ForeignKey(
        EvidenceRequest,
        on_delete=models.PROTECT,
        related_name="answers",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def party_label(self) -> str:
        """Who submitted it (buyer, merchant or a staff role), translated."""
        return str(dict(Role.choices).get(self.party, self.party))


class DisputeEvent(models.Model):
    """One line of the case's timeline: who did what, when, from and to which state."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    actor_role = models.CharField(_("role"), max_length=16)
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("from"), max_length=16, blank=True)
    to_state = models.CharField(_("to"), max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)
    amount = models.DecimalField(_("amount"), null=True, blank=True, **MONEY)
    internal = models.BooleanField(_("internal"), default=False)
    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evidence = models.ForeignKey(
        Evidence, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evidence_request = models.ForeignKey(
        EvidenceRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["dispute", "created_at"]),
            models.Index(fields=["actor", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.dispute} {self.action} {self.from_state}→{self.to_state}"

    @property
    def from_label(self) -> str:
        return _state_label(self.from_state)

    @property
    def to_label(self) -> str:
        return _state_label(self.to_state)

    @property
    def role_label(self) -> str:
        """The actor's role in the reader's language."""
        if self.actor_role == "system":
            return str(_("system"))
        return str(dict(Role.choices).get(self.actor_role, self.actor_role))


def _state_label(value: str) -> str:
    return str(dict(State.choices).get(value, value))


class IdempotencyRecord(models.Model):
    """The first response to a POST sent with an `Idempotency-Key` header.

    A retry with the same key and body replays `response_body`; the same key
    with another body is refused. `status_code` is null while the first
    request is still running.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("key"), max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="idempotency_key_per_user"
            )
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class CannedReply(models.Model):
    """A reply template agents insert into a message; blank reason fits any case."""

    reason = models.CharField(
        _("reason"), max_length=24, choices=Reason.choices, blank=True
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("body"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["reason", "title"]

    def __str__(self) -> str:
        return self.title
