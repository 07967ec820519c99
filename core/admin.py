"""Pieces every workbench ModelAdmin shares: role checks, a cheap paginator.

Also the admin of the task queue (`core` is an installed app for that and for
`manage.py requeue_stale_tasks`).
"""

from __future__ import annotations

from django.contrib import admin
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from core.pages import capped_count
from core.roles import is_staff_role


class CappedCountPaginator(Paginator):
    """Count at most COUNT_CAP + 1 rows, so a page never counts a million."""

    capped = False

    @cached_property
    def count(self) -> int:
        # Only the ids: per-row annotations ("new" marks) are not worth counting.
        count, self.capped = capped_count(self.object_list)
        return count


class StaffOnlyMixin:
    """Only agents, supervisors, managers (and superusers) use these pages.

    The admin already requires is_staff; this guards against a buyer or
    merchant account that was made staff by mistake.
    """

    def _staff(self, request) -> bool:
        user = request.user
        return user.is_active and is_staff_role(user)

    def has_module_permission(self, request):
        return self._staff(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._staff(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._staff(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._staff(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(StaffOnlyMixin, admin.ModelAdmin):
    """A record nobody edits or deletes from the admin."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FastListMixin:
    """No full-table COUNT(*) and no facet counts on big lists."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator: type[Paginator] = CappedCountPaginator
    list_per_page = 50


def badge(value: str, label: str, prefix: str = "state") -> str:
    return format_html('<span class="wb-badge {}-{}">{}</span>', prefix, value, label)


# The task queue (django-tasks' results): every attempt, its error, what comes next.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """Read-only; a failed attempt shows its traceback, a retry its attempt."""

    list_display = [
        "task_name", "status", "attempt", "error", "enqueued_at",
        "display_run_after", "finished_at", "queue_name",
    ]  # fmt: skip
    list_filter = ["status", "queue_name"]
    search_fields = ["task_path", "exception_class_path"]

    @admin.display(description=_("attempt"))
    def attempt(self, obj: DBTaskResult) -> int:
        return (obj.args_kwargs.get("kwargs") or {}).get("attempt", 1)

    @admin.display(description=_("error"))
    def error(self, obj: DBTaskResult) -> str:
        return obj.exception_class_path.rsplit(".", 1)[-1] or "—"
