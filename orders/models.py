from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from stores.models import Store


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


PAID_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED)


class Order(models.Model):
    """An order from the shop platform; refunds are summed in refunded_amount."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("buyer"),
    )
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="orders", verbose_name=_("store")
    )
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    refunded_amount = models.DecimalField(
        _("refunded"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, db_index=True
    )
    placed_at = models.DateTimeField(_("placed at"), db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["buyer", "-placed_at"]),
            models.Index(fields=["store", "-placed_at"]),
            # The workbench's order list filtered by status, newest first.
            models.Index(
                fields=["status", "-placed_at", "-id"], name="order_status_placed"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gt=0), name="order_total_positive"
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0)
                & Q(refunded_amount__lte=F("total")),
                name="order_refunds_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def refundable(self) -> Decimal:
        return self.total - self.refunded_amount

    def can_refund(self, amount: Decimal) -> bool:
        """The one refund cap: refunds to the buyer never sum above the total."""
        return amount <= self.refundable

    @property
    def is_paid(self) -> bool:
        return self.status in PAID_STATUSES


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product_name = models.CharField(_("product"), max_length=200)
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.product_name} × {self.quantity}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class RefundKind(models.TextChoices):
    """What a `Refund` row records, named by who receives the money."""

    REFUND = "refund", _("Refund to buyer")
    MERCHANT_COMPENSATION = "compensation", _("Platform compensation to merchant")
    BUYER_COMPENSATION = (
        "buyer_compensation",
        _("Compensation to buyer, paid by the merchant"),
    )


class Refund(models.Model):
    """One movement of money because of a case; append-only.

    Not only refunds, despite the name: `kind` says which of three it is — a
    refund to the buyer, compensation to the buyer paid by the merchant, or
    compensation to the merchant paid by the platform. Only refunds count
    against the order's total (`Order.refunded_amount`). The name is kept
    because it is also the table (`orders_refund`) and the workbench's page
    addresses (`/admin/orders/refund/`), which a rename would move.
    """

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    dispute = models.ForeignKey(
        "disputes.Dispute",
        on_delete=models.PROTECT,
        related_name="refunds",
        null=True,
        blank=True,
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    kind = models.CharField(
        _("kind"), max_length=24, choices=RefundKind.choices, default=RefundKind.REFUND
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["created_at", "id"]
        # The workbench's refund list reads its page in this order.
        indexes = [models.Index(fields=["created_at", "id"], name="refund_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="refund_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ¥{self.amount} ({self.order})"
