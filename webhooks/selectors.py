"""Reads shared by the portal pages, the API and the admin."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from stores.scoping import Viewer, store_ids_for

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

RECENT_DELIVERIES = 50


def endpoints_visible(user: Viewer) -> QuerySet[WebhookEndpoint]:
    """The endpoints of the user's stores (none for anyone but their merchants)."""
    return WebhookEndpoint.objects.filter(
        store_id__in=store_ids_for(user)
    ).select_related("store")


def deliveries_recent(
    endpoint: WebhookEndpoint, limit: int = RECENT_DELIVERIES
) -> list[WebhookDelivery]:
    """The endpoint's latest deliveries with their attempts, newest first."""
    return list(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .prefetch_related(
            Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number"))
        )
        .order_by("-created_at", "-id")[:limit]
    )
