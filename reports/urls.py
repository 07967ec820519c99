from django.urls import path

from . import health_views, views

app_name = "reports"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("breakdown/", views.breakdown, name="breakdown"),
    path("service/", views.service, name="service"),
    path("outliers/", views.outliers, name="outliers"),
    path("agents/", views.agents, name="agents"),
    path("store/", views.store, name="store"),
    path("quality/", views.quality, name="quality"),
    path("store/health/", health_views.store_health, name="store_health"),
    path(
        "store/health/appeal/<int:action_id>/",
        health_views.appeal,
        name="store_health_appeal",
    ),
    path(
        "store/health/contest/<str:number>/",
        health_views.contest,
        name="store_health_contest",
    ),
    path("stores/", health_views.stores_overview, name="stores"),
]
