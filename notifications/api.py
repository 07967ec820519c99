"""`GET /api/v1/notifications/` and `POST /api/v1/notifications/read/`."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from accounts.http import api_user
from core.api import (
    NewestFirstCursorPagination,
    StrictBooleanField,
    StrictFilterSet,
    StrictIntegerField,
    error_responses,
)

from . import selectors, services
from .models import Notification
from .wording import kind_label

MAX_IDS = 500


class NotificationSerializer(serializers.ModelSerializer):
    case = serializers.SerializerMethodField(
        help_text="The case's number; null for a store's governance news."
    )
    store = serializers.SerializerMethodField(
        help_text="The store's id for its governance news; null for a case's."
    )
    label = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text="What happened, translated."
    )
    unread = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(
        help_text="The case page for you, or the store's health page."
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "case",
            "store",
            "kind",
            "label",
            "created_at",
            "read_at",
            "unread",
            "url",
        ]
        read_only_fields = fields

    def get_case(self, obj: Notification) -> str | None:
        return obj.case.number if obj.case is not None else None

    def get_store(self, obj: Notification) -> int | None:
        return None if obj.case_id else obj.store_id

    def get_label(self, obj: Notification) -> str:
        return kind_label(obj.kind)

    def get_unread(self, obj: Notification) -> bool:
        return obj.read_at is None

    def get_url(self, obj: Notification) -> str:
        return selectors.notification_path(self.context["request"].user, obj)


class MarkReadSerializer(serializers.Serializer):
    """Either `ids` (your notifications; others' are ignored) or `all: true`."""

    ids = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        allow_empty=False,
        max_length=MAX_IDS,
    )
    all = StrictBooleanField(required=False)

    def validate(self, data: dict) -> dict:
        if (data.get("all") is True) == ("ids" in data):
            raise serializers.ValidationError(
                _('Send either "ids" (a list) or "all": true.')
            )
        return data


class MarkReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and now read.")
    unread = serializers.IntegerField(help_text="How many stay unread.")


@extend_schema_field({"type": "string", "enum": ["true", "false"]})
class TrueFalseFilter(filters.TypedChoiceFilter):
    """`true` or `false`, nothing else (a typo is a 400, not ignored)."""

    def __init__(self, **kwargs):
        choices = [("true", "true"), ("false", "false")]
        super().__init__(choices=choices, coerce=lambda v: v == "true", **kwargs)


class NotificationFilter(StrictFilterSet):
    unread = TrueFalseFilter(
        method="filter_unread",
        help_text="true: only unread; false: only read.",
    )

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value)


class NotificationCursorPagination(NewestFirstCursorPagination):
    ordering = ("-created_at", "-id")


@extend_schema_view(
    list=extend_schema(
        summary="Your notifications, newest first",
        responses={200: NotificationSerializer(many=True), **error_responses(400, 401)},
    ),
)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """What happened on your cases, for you."""

    serializer_class = NotificationSerializer
    pagination_class = NotificationCursorPagination
    filterset_class = NotificationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Notification.objects.none()
        return selectors.notification_list(user=api_user(self.request))

    @extend_schema(
        summary="Mark notifications as read",
        request=MarkReadSerializer,
        responses={200: MarkReadResultSerializer, **error_responses(400, 401)},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="read",
        parser_classes=[JSONParser],
        filterset_class=None,
        pagination_class=None,
    )
    def read(self, request):
        form = MarkReadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        marked = services.notifications_mark_read(
            user=request.user,
            ids=form.validated_data.get("ids"),
            all=form.validated_data.get("all", False),
        )
        unread = selectors.unread_count(user=request.user)
        return Response({"marked": marked, "unread": unread})
