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


__all__ = ["BUYER_MEASURES", "CASE_MEASURES", "BuyerDay", "CaseContribution", "Rollup"]
