"""What a case accumulates: messages, evidence and requests for it, the timeline."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Role

from ..actions import ACTOR_ROLE_CHOICES, EVENT_ACTION_CHOICES, event_label
from ..choices import (
    Party,
    Reason,
    RequestStatus,
    State,
)
from .case import MONEY, Dispute


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
    # What the file shows when a policy requires it to open (photo, video,
    # express_slip); blank for any other file.
    kind = models.CharField(_("kind"), max_length=16, blank=True)
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
    actor_role = models.CharField(
        _("role"), max_length=16, choices=ACTOR_ROLE_CHOICES, blank=True
    )
    action = models.CharField(_("action"), max_length=32, choices=EVENT_ACTION_CHOICES)
    from_state = models.CharField(
        _("from"), max_length=16, choices=State.choices, blank=True
    )
    to_state = models.CharField(
        _("to"), max_length=16, choices=State.choices, blank=True
    )
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
    # Whom the entry is about: the assignee of take/assign, the buyer of a case
    # customer service opened; pages name them in the reader's language.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    # The hash chain (disputes.record_chain): the entry's number in its case,
    # the previous entry's hash and its own; written only by timeline_write.
    seq = models.PositiveIntegerField(_("entry number"), null=True, blank=True)
    prev_hash = models.CharField(_("previous entry's hash"), max_length=64, blank=True)
    entry_hash = models.CharField(_("entry hash"), max_length=64, blank=True)

    # Not columns: what a reader sees, set by disclosure.timeline_for_party.
    who: str
    subject_name: str
    offer_status: str  # "", "replaced" or "withdrawn" (offers only)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["dispute", "created_at"]),
            models.Index(fields=["actor", "-created_at"]),
        ]
        constraints = [
            # Two writers can never both append entry n (the chain cannot fork).
            models.UniqueConstraint(
                fields=["dispute", "seq"], name="dispute_event_seq_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispute} {self.action} {self.from_state}→{self.to_state}"

    @property
    def from_label(self) -> str:
        return str(self.get_from_state_display())

    @property
    def to_label(self) -> str:
        return str(self.get_to_state_display())

    @property
    def role_label(self) -> str:
        """The actor's role in the reader's language."""
        return str(self.get_actor_role_display())

    @property
    def label(self) -> str:
        """What happened, in the reader's language."""
        return event_label(self.action)


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
