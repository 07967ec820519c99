"""Webhooks in the admin: read-only, for support (what was sent, what failed)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

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

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None and not obj.active:
            self.message_user(request, disabled_notice(obj), messages.WARNING)
        return super().render_change_form(request, context, add, change, form_url, obj)


def disabled_notice(endpoint: WebhookEndpoint) -> str:
    """What support tells the merchant about an endpoint that was switched off."""
    return _(
        "This endpoint was switched off on %(at)s after its deliveries failed, "
        "and receives nothing. The store's owner turns it on again on their "
        "Webhooks page (/webhooks/%(id)s/) once their receiver works."
    ) % {
        "at": localtime(endpoint.disabled_at).strftime("%Y-%m-%d %H:%M")
        if endpoint.disabled_at
        else "—",
        "id": endpoint.pk,
    }


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "message_id",
        "event_type",
        "dispute_number",
        "endpoint",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
    ]
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
