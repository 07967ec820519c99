from django.urls import path

from portal.views import stores as views

app_name = "stores"
urlpatterns = [
    path("", views.store_list, name="list"),
    path("<int:pk>/return-address/", views.store_return_address, name="return_address"),
]
