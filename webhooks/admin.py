"""Webhooks in the admin: read-only, for support (what was sent, what failed)."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdmin, StaffOnlyMixin

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


class AttemptInline(StaffOnlyMixin, admin.TabularInline):
    model = WebhookAttempt
    fields = readonly_fields = (
        "number",
        "at",
        "succeeded",
        "response_code",
        "duration_ms",
        "error",
    )
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["url", "store", "active", "disabled_at", "created_at"]
    list_filter = ["active"]
    list_select_related = ["store"]
    search_fields = ["url", "store__name"]
    fields = readonly_fields = (
        "store",
        "url",
        "events",
        "active",
        "disabled_at",
        "disabled_reason",
        "created_by",
        "created_at",
    )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["message_id", "event_type", "dispute_number", "endpoint",
                    "status", "attempts", "created_at", "next_attempt_at"]  # fmt: skip
    list_filter = ["status", "event_type"]
    list_select_related = ["endpoint"]
    search_fields = ["message_id", "dispute_number", "endpoint__url"]
    fields = readonly_fields = (
        "endpoint",
        "message_id",
        "event_type",
        "dispute_number",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "finished_at",
        "payload",
    )
    inlines = [AttemptInline]
