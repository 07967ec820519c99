"""Deadlines and policy: platform defaults from settings, overridable per category."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from stores.models import Category

OVERRIDABLE = (
    "after_sales_days",
    "merchant_response_hours",
    "evidence_hours",
    "appeal_days",
    "pickup_sla_hours",
    "ruling_sla_hours",
)


@dataclass(frozen=True)
class Policy:
    after_sales_days: int
    merchant_response_hours: int
    evidence_hours: int
    appeal_days: int
    pickup_sla_hours: int
    ruling_sla_hours: int
    silent_merchant_action: str

    @property
    def after_sales(self) -> timedelta:
        return timedelta(days=self.after_sales_days)

    @property
    def merchant_response(self) -> timedelta:
        return timedelta(hours=self.merchant_response_hours)

    @property
    def evidence(self) -> timedelta:
        return timedelta(hours=self.evidence_hours)

    @property
    def appeal_window(self) -> timedelta:
        return timedelta(days=self.appeal_days)

    @property
    def pickup_sla(self) -> timedelta:
        return timedelta(hours=self.pickup_sla_hours)

    @property
    def ruling_sla(self) -> timedelta:
        return timedelta(hours=self.ruling_sla_hours)


def policy_for(category: Category | None = None) -> Policy:
    """The policy in force for a store category (platform defaults where unset)."""
    values = dict(settings.DISPUTE_POLICY)
    if category is not None:
        for name in OVERRIDABLE:
            override = getattr(category, name)
            if override is not None:
                values[name] = override
    return Policy(**values)
