from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("breakdown/", views.breakdown, name="breakdown"),
    path("service/", views.service, name="service"),
    path("outliers/", views.outliers, name="outliers"),
    path("agents/", views.agents, name="agents"),
    path("store/", views.store, name="store"),
    path("quality/", views.quality, name="quality"),
]
