"""Case-list filters: state (with 'open'), assignment, deadlines, region, dates."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.choices import State
from stores.models import PROVINCES
from workbench import queues as workbench


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("All open")), *State.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "open":
            return workbench.open_cases(queryset)
        if value in State.values:
            return queryset.filter(state=value)
        return queryset


class AssignedFilter(admin.SimpleListFilter):
    title = _("assigned to")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Me")), ("unassigned", _("Unassigned"))]

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if choice["display"] == _("All"):
                choice["display"] = _("Anyone")
            yield choice

    def queryset(self, request, queryset):
        return workbench.queue_filter(
            queryset, assigned=self.value(), user=request.user
        )


class PriorityQueueFilter(admin.SimpleListFilter):
    """The priority queue: cases of restricted stores (read through its
    partial index, in deadline order)."""

    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("priority", _("Priority queue"))]

    def queryset(self, request, queryset):
        if self.value() == "priority":
            return workbench.priority_queue(queryset)
        return queryset


class DueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("soon", _("Due soon"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return workbench.overdue(queryset)
        if self.value() == "soon":
            return workbench.due_soon(queryset)
        return queryset


class RegionFilter(admin.SimpleListFilter):
    title = _("region")
    parameter_name = "region"
    template = "admin/disputes/dispute/filter_collapsed.html"

    def lookups(self, request, model_admin):
        return [(p, p) for p in PROVINCES]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(store__region=self.value())
        return queryset


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class OpenedRangeFilter(admin.ListFilter):
    """Opened between two dates (inclusive), in the platform's time zone."""

    title = _("opened")
    template = "admin/disputes/dispute/filter_date_range.html"
    parameters = ("opened_from", "opened_to")

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.request = request
        self.values = {}
        for name in self.parameters:
            if name in params:
                raw = params.pop(name)
                self.values[name] = raw[-1] if isinstance(raw, list) else raw
                self.used_parameters[name] = self.values[name]

    def has_output(self) -> bool:
        return True

    def expected_parameters(self):
        return list(self.parameters)

    def choices(self, changelist):
        keep = [
            (key, value)
            for key, values in self.request.GET.lists()
            if key not in (*self.parameters, "p")
            for value in values
        ]
        yield {
            "hidden": keep,
            "opened_from": self.values.get("opened_from", ""),
            "opened_to": self.values.get("opened_to", ""),
            "reset": changelist.get_query_string(remove=list(self.parameters)),
        }

    def queryset(self, request, queryset):
        tz = timezone.get_current_timezone()
        start = _day(self.values.get("opened_from"))
        end = _day(self.values.get("opened_to"))
        if start:
            queryset = queryset.filter(
                opened_at__gte=datetime.combine(start, time.min, tzinfo=tz)
            )
        if end:
            queryset = queryset.filter(
                opened_at__lt=datetime.combine(
                    end + timedelta(days=1), time.min, tzinfo=tz
                )
            )
        return queryset
