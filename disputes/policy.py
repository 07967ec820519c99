"""Deadlines and policy: platform defaults from settings, overridable per category."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order
from stores.models import Category

from .choices import Reason

# Reasons whose claim the merchant cannot judge without the buyer's account.
DESCRIPTION_REQUIRED = frozenset(
    {
        Reason.QUALITY,
        Reason.NOT_AS_DESCRIBED,
        Reason.DAMAGED,
        Reason.MISSING_PARTS,
        Reason.COUNTERFEIT,
        Reason.OTHER,
    }
)

OVERRIDABLE = (
    "after_sales_days",
    "merchant_response_hours",
    "evidence_hours",
    "appeal_days",
    "pickup_sla_hours",
    "ruling_sla_hours",
    "silent_merchant_action",
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
    # Goods (DESIGN.md "Goods as well as money"; docs/service-levels.md "Goods").
    no_reason_allowed: bool = True
    no_reason_hours: int = 168
    return_ship_days: int = 7
    return_confirm_days: int = 7
    return_confirm_after_delivery_hours: int = 48
    replacement_ship_hours: int = 48
    replacement_confirm_days: int = 10

    # The spans as timedeltas, computed once per policy (frozen, so they hold).
    @cached_property
    def after_sales(self) -> timedelta:
        return timedelta(days=self.after_sales_days)

    @cached_property
    def merchant_response(self) -> timedelta:
        return timedelta(hours=self.merchant_response_hours)

    @cached_property
    def evidence(self) -> timedelta:
        return timedelta(hours=self.evidence_hours)

    @cached_property
    def appeal_window(self) -> timedelta:
        return timedelta(days=self.appeal_days)

    @cached_property
    def pickup_sla(self) -> timedelta:
        return timedelta(hours=self.pickup_sla_hours)

    @cached_property
    def ruling_sla(self) -> timedelta:
        return timedelta(hours=self.ruling_sla_hours)

    @cached_property
    def no_reason_window(self) -> timedelta:
        return timedelta(hours=self.no_reason_hours)

    @cached_property
    def return_ship(self) -> timedelta:
        return timedelta(days=self.return_ship_days)

    @cached_property
    def return_confirm(self) -> timedelta:
        return timedelta(days=self.return_confirm_days)

    @cached_property
    def return_confirm_after_delivery(self) -> timedelta:
        return timedelta(hours=self.return_confirm_after_delivery_hours)

    @cached_property
    def replacement_ship(self) -> timedelta:
        return timedelta(hours=self.replacement_ship_hours)

    @cached_property
    def replacement_confirm(self) -> timedelta:
        return timedelta(days=self.replacement_confirm_days)


def policy_for(category: Category | None = None) -> Policy:
    """The policy in force for a store category (platform defaults where unset)."""
    values: dict[str, Any] = dict(settings.DISPUTE_POLICY)
    if category is not None:
        for name in OVERRIDABLE:
            override = getattr(category, name)
            if override not in (None, ""):
                values[name] = override
    return Policy(**values)


def order_policy(order: Order) -> Policy:
    """The policy a new case on `order` would open under."""
    return policy_for(order.store.category)


def case_policy(dispute: Any) -> Policy:
    """The policy whose terms govern `dispute` (every service and page asks this)."""
    return policy_for(dispute.store.category)


def order_open_refusal(
    order: Order, *, has_open_case: bool, now: datetime
) -> str | None:
    """Why a case cannot be opened on `order` now, or None when it can.

    The one rule behind the "open a dispute" button and `dispute_open`; the
    claimed amount is checked separately against `order.refundable`.
    """
    policy = order_policy(order)
    if not order.is_paid:
        return _("Only paid orders can be disputed.")
    if order.delivered_at and now > order.delivered_at + policy.after_sales:
        return _(
            "The after-sales window of %(days)s days after delivery has passed."
        ) % {"days": policy.after_sales_days}
    if has_open_case:
        return _("This order already has an open case.")
    if order.refundable <= 0:
        return _("Everything paid on this order has been refunded already.")
    return None


def no_reason_until(order: Order) -> datetime | None:
    """When a 七天无理由 return on `order` stops being possible: the policy's
    hours from 00:00 of the day after sign-for (None: not delivered yet)."""
    from .rules_pure import no_reason_until as until  # rules_pure reads Policy

    if order.delivered_at is None:
        return None
    return until(
        order.delivered_at, order_policy(order), tz=timezone.get_default_timezone()
    )


def no_reason_open(order: Order, now: datetime) -> bool:
    """Whether a 七天无理由 claim may be opened on `order` at `now` (the
    buyer's form asks this to offer the reason; `case_create` refuses it
    otherwise): delivered, allowed in the store's category, inside the window."""
    if not order_policy(order).no_reason_allowed:
        return False
    until = no_reason_until(order)
    return until is not None and now < until


def no_reason_refusal(order: Order, now: datetime) -> str | None:
    """Why a 七天无理由 claim cannot open on `order` now, or None when it can."""
    if not order_policy(order).no_reason_allowed:
        return _("7-day no-reason returns are not offered for this category.")
    until = no_reason_until(order)
    if until is None:
        return _("A 7-day no-reason return starts once the parcel is signed for.")
    if now >= until:
        return _("The 7-day no-reason window ended on %(until)s.") % {
            "until": timezone.localtime(until).strftime("%Y-%m-%d %H:%M")
        }
    return None


def description_refusal(reason: str, description: str) -> str | None:
    """Why a case for `reason` cannot open with `description`, or None when it can.

    Asked by `case_create` (every way a case opens) and by the buyer's form
    for its field error; a description of only spaces counts as none.
    """
    if reason in DESCRIPTION_REQUIRED and not description.strip():
        return _("Describe the problem so the store can check it.")
    return None
