"""Report rollups: additive figures per day or month and per dimension.

`Rollup` is a small cube: each `cuboid` keeps the figures at one grain
(see `reports.cuboids`); dimensions a cuboid does not keep hold their blank
value (0 or ""). `CaseContribution` remembers what each case last added, so
that every change applies only the difference.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .measures import CASE_MEASURES, MEASURES, RESOLUTION_COLUMNS


class Rollup(models.Model):
    """The figures of one cuboid cell (one period and one dimension key)."""

    cuboid = models.PositiveSmallIntegerField()
    period = models.DateField(help_text="The day, or the month's first day.")
    store_id = models.IntegerField(default=0)
    category_id = models.IntegerField(default=0)
    region = models.CharField(max_length=16, default="", blank=True)
    reason = models.CharField(max_length=24, default="", blank=True)
    agent_id = models.IntegerField(default=0)
    shard = models.PositiveSmallIntegerField(
        default=0,
        db_default=0,
        help_text="Which of the cell's rows (see reports.rollups.SHARDS).",
    )

    class Meta:
        verbose_name = _("report rollup")
        verbose_name_plural = _("report rollups")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "cuboid",
                    "period",
                    "store_id",
                    "category_id",
                    "region",
                    "reason",
                    "agent_id",
                    "shard",
                ],
                name="rollup_cell_unique",
            )
        ]
        indexes = [models.Index(fields=["cuboid", "store_id", "period"])]

    def __str__(self) -> str:
        return f"{self.cuboid}:{self.period}"


for _name in MEASURES:
    Rollup.add_to_class(_name, models.IntegerField(default=0, db_default=0))


class CaseContribution(models.Model):
    """What one case currently adds to the rollups (its dimensions and counts)."""

    dispute = models.OneToOneField(
        "disputes.Dispute",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    day = models.DateField()
    store_id = models.IntegerField()
    category_id = models.IntegerField()
    region = models.CharField(max_length=16, blank=True)
    reason = models.CharField(max_length=24, blank=True)
    agent_id = models.IntegerField(default=0)
    measures = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("case contribution")
        verbose_name_plural = _("case contributions")
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.dispute_id}@{self.day}"


# What a buyer's day keeps: the figures of the party history on the agents'
# case page (reports.selectors.stores.HISTORY_MEASURES).
BUYER_MEASURES = (
    "cases",
    "open_cases",
    "interventions",
    "merchant_liable",
    *RESOLUTION_COLUMNS.values(),
)


class BuyerDay(models.Model):
    """One buyer's cases opened on one day (platform time zone): the buyer's
    history on the agents' case page, read from at most 90 rows however many
    cases the buyer has. Kept with every case change, like `Rollup`."""

    buyer_id = models.IntegerField()
    day = models.DateField()

    class Meta:
        verbose_name = _("buyer's day")
        verbose_name_plural = _("buyers' days")
        constraints = [
            models.UniqueConstraint(fields=["buyer_id", "day"], name="buyer_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.buyer_id}@{self.day}"


for _name in BUYER_MEASURES:
    BuyerDay.add_to_class(_name, models.IntegerField(default=0, db_default=0))


# Store health (reports.health): the daily score and its history, and the
# merchants' contests of a case's counting.


class StoreHealth(models.Model):
    """A store's score for one day (T+1: computed the next day from the
    rollups of the window ending that day). Kept: the rows are its history."""

    store = models.ForeignKey(
        "stores.Store",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("store"),
    )
    day = models.DateField(_("last day of the window"))
    rule = models.ForeignKey(
        "stores.GovernanceRule",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rule version"),
    )
    category_id = models.IntegerField()
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    window_days = models.PositiveIntegerField(_("window (days)"))
    orders = models.PositiveIntegerField(_("orders"))
    cases = models.PositiveIntegerField(_("cases"))
    excluded = models.PositiveIntegerField(_("cases excluded"), default=0)
    # [{"name", "value", "numerator", "denominator", "weight", "points",
    #   "category_median", "percentile"}] (see reports.health.Figure)
    figures = models.JSONField(_("figures"), default=list)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("store health")
        verbose_name_plural = _("store health")
        ordering = ["-day", "store_id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "day"], name="health_once_a_day")
        ]
        indexes = [models.Index(fields=["day", "category_id"])]

    def __str__(self) -> str:
        return f"{self.store_id}@{self.day}: {self.score}"


class ContestGrounds(models.TextChoices):
    CARRIER = "carrier_outage", _("A carrier outage")
    ABUSE = "buyer_abuse", _("A buyer's abuse")
    FORCE_MAJEURE = "force_majeure", _("Force majeure")
    OTHER = "other", _("Other")


class ContestState(models.TextChoices):
    PENDING = "pending", _("Awaiting a supervisor")
    UPHELD = "upheld", _("Excluded from the score")
    REJECTED = "rejected", _("Counted")


class CaseContest(models.Model):
    """A merchant's request, once per case, that it not count in the store's
    score; a supervisor decides. An upheld one leaves every figure at the
    next recompute."""

    dispute = models.OneToOneField(
        "disputes.Dispute",
        on_delete=models.CASCADE,
        related_name="health_contest",
        verbose_name=_("case"),
    )
    store_id = models.IntegerField(db_index=True)
    grounds = models.CharField(
        _("grounds"), max_length=16, choices=ContestGrounds.choices
    )
    reason = models.TextField(_("reason"))
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to="contests/%Y/%m/", blank=True
    )
    filed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ContestState.choices,
        default=ContestState.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)

    class Meta:
        verbose_name = _("case counting contest")
        verbose_name_plural = _("case counting contests")
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dispute_id}: {self.get_state_display()}"


__all__ = [
    "BUYER_MEASURES",
    "CASE_MEASURES",
    "BuyerDay",
    "CaseContest",
    "CaseContribution",
    "Rollup",
    "StoreHealth",
]
