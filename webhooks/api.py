"""`/api/v1/webhooks/`: a merchant's endpoints; writes go through the services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from accounts.http import api_user
from core.api import error_responses
from core.roles import Role, role_of

from . import selectors, services
from .models import WebhookEndpoint
from .serializers import (
    DeliverySerializer,
    EndpointCreateSerializer,
    EndpointSerializer,
    EndpointWithSecretSerializer,
)


class IsMerchant(BasePermission):
    message = _("Only merchants manage webhooks.")

    def has_permission(self, request, view) -> bool:
        return role_of(request.user) == Role.MERCHANT


@extend_schema_view(
    list=extend_schema(
        summary="Your stores' webhook endpoints",
        responses={200: EndpointSerializer(many=True), **error_responses(401, 403)},
    ),
    retrieve=extend_schema(
        summary="One endpoint",
        responses={200: EndpointSerializer, **error_responses(401, 403, 404)},
    ),
    destroy=extend_schema(
        summary="Delete an endpoint and its delivery history",
        responses={204: None, **error_responses(401, 403, 404)},
    ),
)
class WebhookEndpointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsMerchant]
    serializer_class = EndpointSerializer
    pagination_class = None
    throttle_scope = "webhook"
    # Any path segment reaches the view, so that a bad id is a JSON 404.
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return selectors.endpoints_visible(self.request.user).order_by("id")

    def get_object(self):
        lookup = self.kwargs["pk"]
        found = (
            self.get_queryset().filter(pk=lookup).first() if lookup.isdigit() else None
        )
        if found is None:
            raise NotFound()
        return found

    @extend_schema(
        summary="Register an endpoint",
        request=EndpointCreateSerializer,
        responses={
            201: EndpointWithSecretSerializer,
            **error_responses(400, 401, 403, 429),
        },
    )
    def create(self, request):
        given = EndpointCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        endpoint, secret = services.endpoint_create(
            actor=request.user,
            url=data["url"],
            events=data["events"],
            store_id=data.get("store"),
        )
        endpoint.secret = secret
        return Response(
            EndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        services.endpoint_delete(
            actor=api_user(self.request),
            endpoint=instance,
        )

    @extend_schema(
        summary="Replace the signing secret",
        description="The old secret keeps signing (a second signature) for 24 hours.",
        request=None,
        responses={
            200: EndpointWithSecretSerializer,
            **error_responses(401, 403, 404, 429),
        },
    )
    @action(detail=True, methods=["post"])
    def rotate(self, request, pk=None):
        endpoint = self.get_object()
        endpoint.secret = services.endpoint_rotate(
            actor=request.user, endpoint=endpoint
        )
        return Response(EndpointWithSecretSerializer(endpoint).data)

    @extend_schema(
        summary="Recent deliveries and every attempt",
        responses={
            200: DeliverySerializer(many=True),
            **error_responses(401, 403, 404),
        },
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        rows = selectors.deliveries_recent(endpoint)
        return Response(DeliverySerializer(rows, many=True).data)
