"""Shared tables: the stored responses behind the API's Idempotency-Key header."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """The first response to a POST sent with an `Idempotency-Key` header.

    The record is written in the same transaction as the action it answers
    (see `core.api.idempotent`), so it exists exactly when the action's effects
    were committed: a retry with the same key and body replays `response_body`;
    the same key with another body is refused.
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


class ScheduledRun(models.Model):
    """One period's run of a scheduled job (`core.schedules`): written when
    the scheduler queues it, so each job is queued once a period however
    often, and by however many schedulers, it is asked."""

    name = models.CharField(_("job"), max_length=48)
    # The first day of the period (the day, or the Monday of the week).
    period = models.DateField(_("period"))
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "period"], name="scheduled_run_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.period:%Y-%m-%d}"
