"""Orders in the workbench: items and refunds; refunds are append-only records."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import FastListMixin, ReadOnlyAdmin, StaffOnlyMixin
from disputes.actions import refund_note_label
from orders.models import Order, OrderItem, Refund


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    fields = ["product_name", "sku", "quantity", "unit_price"]
    extra = 0
    can_delete = False


class RefundColumns:
    """The refund's order and case under their own headers (the foreign keys
    have no translated names)."""

    @admin.display(description=_("order"), ordering="order__number")
    def order_number(self, refund):
        return refund.order.number

    @admin.display(description=_("case"), ordering="dispute__number")
    def case_number(self, refund):
        return refund.dispute.number if refund.dispute_id else "—"

    @admin.display(description=_("for"))
    def what_for(self, refund):
        return refund_note_label(refund.note)


class RefundInline(RefundColumns, admin.TabularInline):
    model = Refund
    fields = readonly_fields = (
        "created_at", "kind", "amount", "case_number", "what_for",
    )  # fmt: skip
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("dispute")


@admin.register(Order)
class OrderAdmin(StaffOnlyMixin, FastListMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "buyer",
        "store",
        "total",
        "refunded_amount",
        "status",
        "placed_at",
    ]
    list_filter = ["status"]
    list_select_related = ["buyer", "store"]
    search_fields = ["number"]
    autocomplete_fields = ["buyer", "store"]
    readonly_fields = ["refunded_amount"]
    inlines = [OrderItemInline, RefundInline]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        if not term:
            return queryset, False
        return queryset.filter(number=term), False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # orders come from the shop platform: never rewritten
            return [
                "number",
                "buyer",
                "store",
                "total",
                "refunded_amount",
                "status",
                "placed_at",
                "paid_at",
                "shipped_at",
                "delivered_at",
            ]
        return self.readonly_fields


@admin.register(Refund)
class RefundAdmin(RefundColumns, FastListMixin, ReadOnlyAdmin):
    list_display = [
        "created_at", "order_number", "case_number", "kind", "amount", "what_for",
    ]  # fmt: skip
    fields = readonly_fields = (
        "created_at", "order_number", "case_number", "kind", "amount", "what_for",
    )  # fmt: skip
    list_select_related = ["order", "dispute"]
    list_filter = ["kind"]
