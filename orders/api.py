"""Order endpoints: scoped reads for everyone, a bulk upsert for the shop platform."""

from __future__ import annotations

from decimal import Decimal

import django_filters as filters
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import User
from accounts.scoping import visible_orders
from core.api import (
    IDEMPOTENCY_PARAMETER,
    OrderCursorPagination,
    StrictCharField,
    StrictDecimalField,
    StrictFilterSet,
    StrictIntegerField,
    StrictModelSerializer,
    error_responses,
    idempotent,
)
from core.errors import (
    ActionNotPermitted,
    ConcurrentChange,
    NotVisible,
    ValidationFailed,
)
from stores.models import Store

from .models import Order, OrderItem, OrderStatus

MONEY = {"max_digits": 12, "decimal_places": 2}
UPDATABLE = ("total", "status", "placed_at", "paid_at", "shipped_at", "delivered_at")
MAX_BATCH = 500


class OrderItemSerializer(StrictModelSerializer):
    class Meta:
        model = OrderItem
        fields = ["product_name", "sku", "quantity", "unit_price"]
        extra_kwargs = {"quantity": {"min_value": 1, "max_value": 100000}}


class OrderSerializer(serializers.ModelSerializer):
    buyer = serializers.CharField(source="buyer.username", read_only=True)
    store_name = serializers.CharField(source="store.name", read_only=True)
    refundable = serializers.DecimalField(read_only=True, **MONEY)
    items = OrderItemSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "number", "buyer", "store", "store_name", "total", "refunded_amount",
            "refundable", "status", "placed_at", "paid_at", "shipped_at",
            "delivered_at", "items",
        ]  # fmt: skip
        read_only_fields = fields


class OrderInSerializer(serializers.Serializer):
    """One order as the shop platform sends it."""

    number = StrictCharField(max_length=32)
    buyer = StrictCharField(max_length=150, help_text="The buyer's username.")
    store = StrictIntegerField(min_value=1, max_value=2**63 - 1)
    total = StrictDecimalField(min_value=Decimal("0.01"), **MONEY)
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    placed_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(required=False, allow_null=True)
    shipped_at = serializers.DateTimeField(required=False, allow_null=True)
    delivered_at = serializers.DateTimeField(required=False, allow_null=True)
    items = OrderItemSerializer(many=True, required=False)


class OrderBatchSerializer(serializers.Serializer):
    orders = OrderInSerializer(many=True, allow_empty=False, max_length=MAX_BATCH)


class OrderBatchResultSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.CharField())
    updated = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.ListField(child=serializers.CharField())


def _resolve(rows: list[dict]) -> tuple[dict, dict]:
    users = {
        u.username: u
        for u in User.objects.filter(username__in={r["buyer"] for r in rows})
    }
    stores = {s.pk: s for s in Store.objects.filter(pk__in={r["store"] for r in rows})}
    errors = {}
    for i, row in enumerate(rows):
        if row["buyer"] not in users:
            errors[f"orders.{i}.buyer"] = [_("No such user.")]
        if row["store"] not in stores:
            errors[f"orders.{i}.store"] = [_("No such store.")]
    if len({r["number"] for r in rows}) != len(rows):
        errors["orders"] = [_("Each order number may appear once per batch.")]
    if errors:
        raise ValidationFailed(_("Check the orders."), errors=errors)
    return users, stores


def _update(order: Order, row: dict, index: int) -> bool:
    if order.buyer.username != row["buyer"] or order.store_id != row["store"]:
        raise ValidationFailed(
            _("An order's buyer and store never change."),
            errors={f"orders.{index}.number": [_("Buyer or store differs.")]},
        )
    if row["total"] < order.refunded_amount:
        raise ValidationFailed(
            _("The total cannot fall below what was already refunded."),
            errors={f"orders.{index}.total": [_("Below the refunded amount.")]},
        )
    changed = [f for f in UPDATABLE if getattr(order, f) != row.get(f)]
    for field in changed:
        setattr(order, field, row.get(field))
    if changed:
        order.save(update_fields=changed)
    return bool(changed)


def orders_upsert(*, actor: User, rows: list[dict]) -> dict[str, list[str]]:
    """Create or update orders by number; a retried batch creates nothing twice.

    (A write service; it belongs in orders/services.py once that file is free.)
    """
    if not actor.has_perm("orders.add_order"):
        raise ActionNotPermitted(_("Only the shop platform's staff import orders."))
    users, stores = _resolve(rows)
    result: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    try:
        with transaction.atomic():
            existing = {
                o.number: o
                for o in Order.objects.select_for_update(of=("self",))
                .select_related("buyer")
                .filter(number__in=[r["number"] for r in rows])
            }
            for index, row in enumerate(rows):
                order = existing.get(row["number"])
                if order is not None:
                    bucket = "updated" if _update(order, row, index) else "unchanged"
                    result[bucket].append(order.number)
                    continue
                fields = {f: row.get(f) for f in UPDATABLE}
                order = Order.objects.create(
                    number=row["number"], buyer=users[row["buyer"]],
                    store=stores[row["store"]], **fields,
                )  # fmt: skip
                OrderItem.objects.bulk_create(
                    OrderItem(order=order, **item) for item in row.get("items", [])
                )
                result["created"].append(order.number)
    except IntegrityError as exc:
        raise ConcurrentChange(
            _("Another batch created some of these orders first; send it again.")
        ) from exc
    return result


class OrderFilter(StrictFilterSet):
    status = filters.ChoiceFilter(choices=OrderStatus.choices)
    placed_after = filters.IsoDateTimeFilter(field_name="placed_at", lookup_expr="gte")
    placed_before = filters.IsoDateTimeFilter(field_name="placed_at", lookup_expr="lt")

    class Meta:
        model = Order
        fields = ["status", "placed_after", "placed_before"]


NUMBER = OpenApiParameter("number", str, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        summary="List the orders you may see",
        responses={200: OrderSerializer(many=True), **error_responses(400, 401)},
    ),
)
class OrderViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Orders, scoped by role: buyers their own, merchants their stores'."""

    serializer_class = OrderSerializer
    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    pagination_class = OrderCursorPagination
    filterset_class = OrderFilter

    def get_queryset(self):
        return (
            visible_orders(self.request.user)
            .select_related("buyer", "store")
            .prefetch_related("items")
        )

    @extend_schema(
        summary="One order",
        parameters=[NUMBER],
        responses={200: OrderSerializer, **error_responses(401, 404)},
    )
    def retrieve(self, request, number: str):
        order = self.get_queryset().filter(number=number[:64]).first()
        if order is None or "\x00" in number:
            raise NotVisible(_("No such order."))
        return Response(OrderSerializer(order).data)

    @extend_schema(
        summary="Create or update orders in bulk (shop platform staff)",
        description=(
            "Idempotent by order number: an order already stored is updated "
            "(status, total, times) or left unchanged; nothing is created twice."
        ),
        request=OrderBatchSerializer,
        responses={
            200: OrderBatchResultSerializer,
            **error_responses(400, 401, 403, 409, 422),
        },
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @action(
        detail=False,
        methods=["post"],
        serializer_class=OrderBatchSerializer,
        filterset_class=None,
        pagination_class=None,
    )
    @idempotent
    def bulk(self, request):
        if not request.user.has_perm("orders.add_order"):
            raise ActionNotPermitted(_("Only the shop platform's staff import orders."))
        form = OrderBatchSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        result = orders_upsert(actor=request.user, rows=form.validated_data["orders"])
        return Response(result)
