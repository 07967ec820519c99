"""The ceiling: the same rows as the project's case list and detail, served
by the frameworks with nothing of the project's (bench/ceiling.py).

- `hello`: no database;
- `bare_django`: the newest 50 cases as `.values()` + JsonResponse;
- `BareList` / `BareDetail`: stock DRF generic views, a ModelSerializer of 8
  plain fields, token auth, stock cursor pagination (50, newest first: the
  project's order and page size, no COUNT);
- `stock_site`: a stock AdminSite with a stock ModelAdmin of Dispute, the
  workbench's page size and visible columns as plain fields.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponse, JsonResponse
from rest_framework import generics, pagination, permissions, serializers
from rest_framework.authentication import TokenAuthentication
from rest_framework.renderers import JSONRenderer

from disputes.models import Dispute

PAGE = 50
FIELDS = (
    "number",
    "state",
    "reason",
    "remedy",
    "amount",
    "opened_at",
    "store_id",
    "buyer_id",
)
ORDER = ("-opened_at", "-id")


def hello(request):
    return HttpResponse("hello")


def bare_django(request):
    rows = list(Dispute.objects.order_by(*ORDER).values(*FIELDS)[:PAGE])
    return JsonResponse({"results": rows})


class BareSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dispute
        fields = ("number", "state", "reason", "remedy", "amount", "opened_at",
                  "store", "buyer")  # fmt: skip


class BarePagination(pagination.CursorPagination):
    page_size = PAGE
    ordering = ORDER


class _Bare:
    authentication_classes = [TokenAuthentication]
    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [JSONRenderer]
    serializer_class = BareSerializer
    queryset = Dispute.objects.all()
    filter_backends: list = []


class BareList(_Bare, generics.ListAPIView):
    pagination_class = BarePagination


class BareDetail(_Bare, generics.RetrieveAPIView):
    lookup_field = "number"


stock_site = admin.AdminSite(name="bench_admin")


class StockDisputeAdmin(admin.ModelAdmin):
    list_display = ["number", "state", "reason", "store", "buyer", "amount",
                    "assigned_to", "merchant_deadline_at", "opened_at"]  # fmt: skip
    list_select_related = ["store", "buyer", "assigned_to"]
    list_per_page = PAGE
    # The generic template (the workbench's own change_list.html for cases
    # reverses its extra views, which this site does not have).
    change_list_template = "admin/change_list.html"

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff

    has_module_permission = has_view_permission


stock_site.register(Dispute, StockDisputeAdmin)
