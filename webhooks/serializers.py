"""What the webhook endpoints read and write, and the case as a message carries it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import StrictCharField, StrictIntegerField
from disputes.api.serializers import DisputeSerializer
from disputes.services import available_actions

from .events import EVENT_TYPES
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


class WebhookCaseSerializer(DisputeSerializer):
    """The case as `GET /api/v1/disputes/{number}/` shows it to the store owner."""

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, case) -> list[str]:
        return [name.value for name in available_actions(case, self.context["user"])]


class EndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPES),
        help_text="Event types sent to this URL; empty means every event.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "store",
            "url",
            "events",
            "active",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]
        read_only_fields = fields


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="The `whsec_…` signing secret. Shown only in this answer: keep it.",
    )

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class EndpointCreateSerializer(serializers.Serializer):
    url = StrictCharField(
        max_length=500,
        help_text="An https URL on the public internet (no redirects are followed).",
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPES),
        required=False,
        default=list,
        max_length=len(EVENT_TYPES),
        help_text="Event types to send; leave out or empty for every event.",
    )
    store = StrictIntegerField(
        required=False,
        min_value=1,
        help_text="The store's id; may be left out by a merchant of one store.",
    )


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "at", "succeeded", "response_code", "duration_ms", "error"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    attempt_log = AttemptSerializer(many=True, read_only=True)
    case = serializers.CharField(source="dispute_number", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "message_id",
            "event_type",
            "case",
            "status",
            "attempts",
            "next_attempt_at",
            "created_at",
            "finished_at",
            "attempt_log",
        ]
        read_only_fields = fields
