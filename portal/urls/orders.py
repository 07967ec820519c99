from django.urls import path

from portal.views import orders as views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
]
