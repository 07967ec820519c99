"""A merchant's webhook endpoints, each delivery and each attempt at it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stores.models import Store

from .events import event_label


class WebhookEndpoint(models.Model):
    """A URL of a merchant's system that receives its store's case events."""

    store = models.ForeignKey(
        Store,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("store"),
    )
    url = models.URLField(_("URL"), max_length=500)
    # Event types to send; an empty list means every event.
    events = models.JSONField(_("events"), default=list, blank=True)
    secret = models.CharField(_("signing secret"), max_length=100)
    # After a rotation, deliveries are signed with the old secret too, until this.
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["store", "id"]

    def __str__(self) -> str:
        return self.url

    def get_absolute_url(self) -> str:
        return f"/webhooks/{self.pk}/"

    def wants(self, event_type: str) -> bool:
        return not self.events or event_type in self.events

    @property
    def event_labels(self) -> list[str]:
        """The chosen events in the reader's language (empty: every event)."""
        return [event_label(name) for name in self.events]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Not sent (endpoint disabled)")


class WebhookDelivery(models.Model):
    """One event for one endpoint: the signed message and its outcome."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    message_id = models.CharField(_("message id"), max_length=64, unique=True)
    event_type = models.CharField(_("event"), max_length=64)
    dispute_number = models.CharField(_("case"), max_length=24)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["endpoint", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} {self.dispute_number} → {self.endpoint}"

    @property
    def event_label(self) -> str:
        return event_label(self.event_type)


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery, kept for the merchant and the admin."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("delivery"),
    )
    number = models.PositiveIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"))
    succeeded = models.BooleanField(_("succeeded"))
    response_code = models.PositiveIntegerField(_("response code"), null=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="one_row_per_attempt"
            )
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
