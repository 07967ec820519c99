from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from core import views as core_views

handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error

urlpatterns = [
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("", RedirectView.as_view(url="/accounts/home/", permanent=False)),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("orders/", include("portal.urls.orders")),
    path("disputes/", include("portal.urls.disputes")),
    path("stores/", include("portal.urls.stores")),
    path("reports/", include("reports.urls")),
    path("notifications/", include("notifications.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("api/", include("config.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
