"""Quality review of rulings: a weekly sample per agent, scored by supervisors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .decisions import Ruling

SCORECARD = ("facts_checked", "rule_applied", "reasoning_clear", "outcome_consistent")


class ReviewReason(models.TextChoices):
    SAMPLE = "sample", _("Weekly sample")
    OVERTURNED = "overturned", _("Overturned on appeal")
    SECOND = "second", _("Blind second review")


class QualityReview(models.Model):
    """One supervisor's review of one ruling, on a short scorecard.

    `disputes.services.quality.sample_week` queues them (idempotent: one
    review per ruling and reason, one blind second per review); a supervisor
    fills in the scorecard; the agent who ruled sees it and may contest it
    once. A blind second review (`blind_of`) is made by another supervisor
    who is not shown the first; the two measure how often reviewers agree.
    """

    ruling = models.ForeignKey(
        Ruling,
        on_delete=models.PROTECT,
        related_name="quality_reviews",
        verbose_name=_("ruling"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agent"),
    )
    week = models.DateField(_("week of"), help_text=_("Monday of the sampled week."))
    why = models.CharField(_("why reviewed"), max_length=16, choices=ReviewReason)
    blind_of = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="second",
        verbose_name=_("second review of"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    facts_checked = models.BooleanField(_("facts checked"), null=True)
    rule_applied = models.BooleanField(_("rule applied correctly"), null=True)
    reasoning_clear = models.BooleanField(_("reasoning clear"), null=True)
    outcome_consistent = models.BooleanField(
        _("outcome consistent with similar cases"), null=True
    )
    comment = models.TextField(_("comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    contest_reason = models.TextField(_("why the agent contests it"), blank=True)
    contested_at = models.DateTimeField(_("contested at"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quality review")
        verbose_name_plural = _("quality reviews")
        ordering = ["reviewed_at", "-week", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ruling", "why"],
                condition=Q(blind_of__isnull=True),
                name="quality_review_once_per_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["agent", "week"]),
            models.Index(fields=["reviewed_at"]),
        ]

    def __str__(self) -> str:
        return _("Review of %(ruling)s") % {"ruling": self.ruling.dispute}

    @property
    def done(self) -> bool:
        return self.reviewed_at is not None

    @property
    def score(self) -> tuple[int, int]:
        """(items met, items scored) of the scorecard."""
        marks = [getattr(self, item) for item in SCORECARD]
        return sum(1 for m in marks if m), sum(1 for m in marks if m is not None)
