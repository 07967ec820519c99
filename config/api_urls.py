"""The REST API (v1), its schema and docs. Owned by the API work."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from disputes.api.auth import TokenView
from disputes.api.policy import PolicyView
from disputes.api.urls import router as disputes_router
from disputes.api.views import CarrierListView, LogisticsEventView, RuleListView
from notifications.api import NotificationViewSet
from orders.api import OrderViewSet
from reports.api import (
    AgentConsistencyView,
    InterventionReportView,
    ReportSummaryView,
    StoreHealthView,
)
from webhooks.api import WebhookEndpointViewSet

router = SimpleRouter()
router.register("orders", OrderViewSet, basename="order")
router.register("notifications", NotificationViewSet, basename="notification")
router.registry.extend(disputes_router.registry)
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")

v1 = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("rules/", RuleListView.as_view(), name="rules"),
    path("carriers/", CarrierListView.as_view(), name="carriers"),
    path("logistics/events/", LogisticsEventView.as_view(), name="logistics-events"),
    path("policy/", PolicyView.as_view(), name="policy"),
    path(
        "reports/intervention/",
        InterventionReportView.as_view(),
        name="report-intervention",
    ),
    path("reports/summary/", ReportSummaryView.as_view(), name="report-summary"),
    path("reports/agents/", AgentConsistencyView.as_view(), name="report-agents"),
    path(
        "stores/<str:store_id>/health/",
        StoreHealthView.as_view(),
        name="store-health",
    ),
    *router.urls,
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script (CSP).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
]
