"""Pieces every workbench ModelAdmin shares: role checks, a cheap paginator.

Also the admin of the task queue (`core` is an installed app for that and for
`manage.py requeue_stale_tasks`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from core.pages import capped_count
from core.roles import is_staff_role

# Generic for the type checker only (Django's classes take no [] at run time).
if TYPE_CHECKING:
    _Paginator = Paginator[Model]
    _ModelAdmin = admin.ModelAdmin[Any]
    _StaffMixinBase = _ModelAdmin  # what the mixin's super() calls reach
else:
    _Paginator = Paginator
    _ModelAdmin = admin.ModelAdmin
    _StaffMixinBase = object


class CappedCountPaginator(_Paginator):
    """Count at most COUNT_CAP + 1 rows, so a page never counts a million."""

    capped = False

    @cached_property
    def count(self) -> int:
        # Only the ids: per-row annotations ("new" marks) are not worth counting.
        rows = cast(QuerySet[Any], self.object_list)  # the admin pages querysets
        count, self.capped = capped_count(rows)
        return count


class StaffOnlyMixin(_StaffMixinBase):
    """Only agents, supervisors, managers (and superusers) use these pages.

    The admin already requires is_staff; this guards against a buyer or
    merchant account that was made staff by mistake.
    """

    def _staff(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and is_staff_role(user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._staff(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._staff(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._staff(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._staff(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(StaffOnlyMixin, _ModelAdmin):
    """A record nobody edits or deletes from the admin."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FastListMixin:
    """No full-table COUNT(*) and no facet counts on big lists."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator: type[_Paginator] = CappedCountPaginator
    list_per_page = 50


def badge(value: str, label: str, prefix: str = "state") -> str:
    return format_html('<span class="wb-badge {}-{}">{}</span>', prefix, value, label)


# The task queue (django-tasks' results): every attempt, its error, what comes next.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """Read-only; a failed attempt shows its traceback, a retry its attempt."""

    list_display = (
        "task_name",
        "status",
        "attempt",
        "error",
        "enqueued_at",
        "display_run_after",
        "finished_at",
        "queue_name",
    )
    # django-tasks-db types its own filters as a tuple of exactly three.
    list_filter = ("status", "queue_name")  # type: ignore[assignment]
    search_fields = ["task_path", "exception_class_path"]

    @admin.display(description=_("attempt"))
    def attempt(self, obj: DBTaskResult[Any, Any]) -> int:
        return int((obj.args_kwargs.get("kwargs") or {}).get("attempt", 1))

    @admin.display(description=_("error"))
    def error(self, obj: DBTaskResult[Any, Any]) -> str:
        return obj.exception_class_path.rsplit(".", 1)[-1] or "—"
