"""GET /api/v1/policy/?category=&region=: the resolved policy, value by value."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_responses
from core.errors import ValidationFailed
from stores.models import PROVINCES, Category

from ..models.policy import VALUES, cached_versions
from ..policy import policy_in_force


class PolicyValueSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.JSONField(
        help_text="A number, true/false, an amount as a string, null, or for "
        "required_evidence an object of reason -> list of evidence kinds "
        "(photo, video, express_slip)."
    )
    level = serializers.ChoiceField(
        choices=["category_region", "category", "region", "platform"]
    )
    version = serializers.IntegerField(allow_null=True)


class UpcomingVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    effective_from = serializers.DateTimeField()
    changes = serializers.CharField()


class PolicySerializer(serializers.Serializer):
    category = serializers.CharField()
    region = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)
    values = PolicyValueSerializer(many=True)
    upcoming = UpcomingVersionSerializer(many=True)


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: list(v) for k, v in value.items()}
    return value


class PolicyView(APIView):
    """The policy in force for a business line and a region (everybody signed in)."""

    @extend_schema(
        summary="The policy for a category and a region, with each value's source",
        parameters=[
            OpenApiParameter(
                "category",
                OpenApiTypes.STR,
                description="A category code (empty: none, platform and region only).",
            ),
            OpenApiParameter(
                "region", OpenApiTypes.STR, description="A province (empty: none)."
            ),
        ],
        responses={200: PolicySerializer, **error_responses(400, 401)},
    )
    def get(self, request: Request) -> Response:
        category = request.query_params.get("category", "").strip()
        region = request.query_params.get("region", "").strip()
        errors: dict[str, list[str]] = {}
        if category and not Category.objects.filter(code=category).exists():
            errors["category"] = [_("No such category.")]
        if region and region not in PROVINCES:
            errors["region"] = [_("No such region.")]
        if errors:
            raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
        policy = policy_in_force(category, region)
        values = [
            {
                "name": name,
                "label": str(VALUES[name][1]),
                "value": _json(getattr(policy, name)),
                "level": policy.sources[name].level,
                "version": policy.sources[name].version,
            }
            for name in VALUES
        ]
        now_version = policy.version or 0
        upcoming = [
            {
                "version": v.version,
                "effective_from": v.effective_from,
                "changes": v.changes,
            }
            for v in cached_versions()
            if v.version > now_version and v.effective_from > timezone.now()
        ]
        data = {
            "category": category,
            "region": region,
            "version": policy.version,
            "values": values,
            "upcoming": upcoming,
        }
        return Response(PolicySerializer(data).data)
