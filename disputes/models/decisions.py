"""Platform rules (versioned) and the decisions that cite them: rulings, appeals."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import (
    Decision,
    Liability,
    Outcome,
    Party,
    Remedy,
)
from .case import MONEY, Dispute


class PlatformRuleQuerySet(models.QuerySet["PlatformRule"]):
    def in_force(self, at: datetime | None = None) -> PlatformRuleQuerySet:
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
    changes = models.TextField(
        _("what changed"),
        blank=True,
        help_text=_("What this version changes from the previous one."),
    )
    # Compensation beyond the refund (e.g. 假一赔三: three times the price).
    compensation_multiple = models.DecimalField(
        _("compensation multiple"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Times the refunded price paid by the merchant on top."),
    )
    compensation_minimum = models.DecimalField(
        _("compensation minimum"), null=True, blank=True, **MONEY
    )
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
        return self.title_and_version

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A published rule version is never rewritten.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"/disputes/rules/{self.code}/v{self.version}/"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Published rule versions are kept.")

    @property
    def title_and_version(self) -> str:
        """The rule as people cite it: 商品质量问题处理规则（第2版）."""
        return _("%(title)s (version %(version)s)") % {
            "title": self.title,
            "version": self.version,
        }

    @property
    def provides_compensation(self) -> bool:
        return bool(self.compensation_multiple)

    def compensation_for(self, price: Decimal) -> Decimal:
        """The compensation on `price`: the multiple, at least the minimum."""
        if not self.compensation_multiple:
            return Decimal("0.00")
        amount = (price * self.compensation_multiple).quantize(Decimal("0.01"))
        return max(amount, self.compensation_minimum or Decimal("0.00"))


class Ruling(models.Model):
    """The platform's ruling on a case."""

    dispute = models.OneToOneField(
        Dispute, on_delete=models.PROTECT, related_name="ruling", verbose_name=_("case")
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    liability = models.CharField(
        _("liability"), max_length=16, choices=Liability.choices
    )
    amount = models.DecimalField(_("amount"), default=Decimal("0.00"), **MONEY)
    compensation_amount = models.DecimalField(
        _("compensation to the buyer"), default=Decimal("0.00"), **MONEY
    )
    # What moves under a buyer win ("" : a refund at once, as before goods).
    remedy = models.CharField(
        _("remedy"), max_length=16, choices=Remedy.choices, blank=True
    )
    rule = models.ForeignKey(
        PlatformRule, on_delete=models.PROTECT, related_name="+", verbose_name=_("rule")
    )
    reasoning = models.TextField(_("reasoning"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    # The precedents' clear majority when the decision was made
    # (`disputes.precedents`), and why a decision against it departs.
    majority_outcome = models.CharField(
        _("precedents' majority"), max_length=16, choices=Outcome.choices, blank=True
    )
    majority_share = models.DecimalField(
        _("majority share"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    departure_reason = models.TextField(
        _("departure reason"),
        blank=True,
        help_text=_("Why the decision departs from the similar cases' majority."),
    )

    class Meta:
        verbose_name = _("ruling")
        verbose_name_plural = _("rulings")

    def __str__(self) -> str:
        return f"{self.dispute}: {self.get_outcome_display()}"

    @property
    def departed(self) -> bool:
        """The ruling went against the precedents' clear majority."""
        return bool(self.majority_outcome) and self.majority_outcome != self.outcome


class Appeal(models.Model):
    """A party's appeal of a ruling and the supervisor's decision on it."""

    dispute = models.OneToOneField(
        Dispute,
        on_delete=models.PROTECT,
        related_name="appeal_record",
        verbose_name=_("case"),
    )
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("appellant"),
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
    remedy = models.CharField(
        _("new remedy"), max_length=16, choices=Remedy.choices, blank=True
    )
    compensation_amount = models.DecimalField(
        _("platform compensation"), null=True, blank=True, **MONEY
    )
    buyer_compensation_amount = models.DecimalField(
        _("compensation to the buyer"),
        default=Decimal("0.00"),
        help_text=_("Under the new decision, paid by the merchant (假一赔三)."),
        **MONEY,
    )
    rule = models.ForeignKey(
        PlatformRule,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("rule"),
    )
    reasoning = models.TextField(_("reasoning"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The precedents' clear majority when the decision was made
    # (`disputes.precedents`), and why a decision against it departs.
    majority_outcome = models.CharField(
        _("precedents' majority"), max_length=16, choices=Outcome.choices, blank=True
    )
    majority_share = models.DecimalField(
        _("majority share"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    departure_reason = models.TextField(
        _("departure reason"),
        blank=True,
        help_text=_("Why the decision departs from the similar cases' majority."),
    )

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return _("%(case)s: appeal by the %(party)s") % {
            "case": self.dispute,
            "party": self.get_party_display(),
        }
