"""The product's URLconf plus the bare views under /bench/ (bench only)."""

from django.urls import path

from config.urls import handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as product

from . import views

urlpatterns = [
    path("bench/hello/", views.hello),
    path("bench/django/", views.bare_django),
    path("bench/drf/", views.BareList.as_view()),
    path("bench/drf/<str:number>/", views.BareDetail.as_view()),
    path("bench/admin/", views.stock_site.urls),
    *product,
]
