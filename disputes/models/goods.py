"""Goods on a case: the items claimed, the parcels sent, what carriers report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.carriers import Carrier
from orders.models import OrderItem

from ..choices import Direction, ParcelStatus
from .case import Dispute


class ClaimedItem(models.Model):
    """An item of the order a claim is about, and how many of it."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="claimed_items"
    )
    order_item = models.ForeignKey(
        OrderItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("claimed item")
        verbose_name_plural = _("claimed items")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "order_item"], name="claimed_item_once"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="claimed_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_item.product_name} × {self.quantity}"


class Shipment(models.Model):
    """A parcel of a case: the buyer's return or the store's replacement."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.PROTECT, related_name="shipments"
    )
    direction = models.CharField(
        _("direction"), max_length=16, choices=Direction.choices
    )
    carrier = models.CharField(_("carrier"), max_length=8, choices=Carrier.choices)
    tracking_number = models.CharField(_("tracking number"), max_length=40)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    shipped_at = models.DateTimeField(_("shipped at"), default=timezone.now)
    in_transit_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["shipped_at", "id"]
        indexes = [
            models.Index(fields=["carrier", "tracking_number"], name="shipment_waybill")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "direction"], name="one_shipment_per_direction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"


class LogisticsEvent(models.Model):
    """One report of a tracking service about a parcel; stored once per event."""

    event_key = models.CharField(_("event"), max_length=120, unique=True)
    carrier = models.CharField(_("carrier"), max_length=8, choices=Carrier.choices)
    tracking_number = models.CharField(_("tracking number"), max_length=40)
    status = models.CharField(_("status"), max_length=16, choices=ParcelStatus.choices)
    at = models.DateTimeField(_("at"))
    shipment = models.ForeignKey(
        Shipment,
        on_delete=models.PROTECT,
        related_name="events",
        null=True,
        blank=True,
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("logistics event")
        verbose_name_plural = _("logistics events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}: {self.status}"
