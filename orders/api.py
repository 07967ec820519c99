"""Order endpoints: scoped reads for everyone, a bulk upsert for the shop platform."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters as filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.privacy import buyer_name_for
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
    NotVisible,
)
from orders.selectors import visible_orders

from .models import Order, OrderItem, OrderStatus
from .services import orders_upsert

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}
MAX_BATCH = 500


class OrderItemSerializer(StrictModelSerializer):
    class Meta:
        model = OrderItem
        fields = ["product_name", "sku", "quantity", "unit_price"]
        extra_kwargs = {"quantity": {"min_value": 1, "max_value": 100000}}


class OrderSerializer(serializers.ModelSerializer):
    buyer = serializers.SerializerMethodField()
    store_name = serializers.CharField(source="store.name", read_only=True)
    refundable = serializers.DecimalField(read_only=True, **MONEY)
    items = OrderItemSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "number",
            "buyer",
            "store",
            "store_name",
            "total",
            "refunded_amount",
            "refundable",
            "status",
            "placed_at",
            "paid_at",
            "shipped_at",
            "delivered_at",
            "items",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_buyer(self, order: Order) -> str:
        """The buyer's login; merchants read the masked name (张**)."""
        request = self.context.get("request")
        reader = request.user if request is not None else None
        return buyer_name_for(order.buyer, reader, login=True)


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
    orders = OrderInSerializer(  # type: ignore[call-arg]  # many=True takes list kwargs
        many=True, allow_empty=False, max_length=MAX_BATCH
    )


class OrderBatchResultSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.CharField())
    updated = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.ListField(child=serializers.CharField())


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
        return Response(OrderSerializer(order, context={"request": request}).data)

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
