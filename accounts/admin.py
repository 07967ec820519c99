"""Users in the admin, with their role (the role group) shown."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from core.admin import CappedCountPaginator, StaffOnlyMixin
from core.roles import Role

from .models import User


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value() in Role.values:
            return queryset.filter(groups__name=self.value())
        return queryset


@admin.register(User)
class UserAdmin(StaffOnlyMixin, BaseUserAdmin):
    list_display = [
        "username",
        "display_name",
        "role",
        "email",
        "is_active",
        "last_login",
    ]
    list_filter = [RoleFilter, "is_active", "is_staff"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = [
        *(BaseUserAdmin.fieldsets or ()),
        (
            _("Profile"),
            {"fields": ["display_name", "phone", "language", "email_updates"]},
        ),
    ]
    show_full_result_count = False
    paginator = CappedCountPaginator  # never COUNT(*) every buyer

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("groups", queryset=Group.objects.only("name")))
        )

    @admin.display(description=_("role"))
    def role(self, user):
        names = {group.name for group in user.groups.all()}
        role = next((r for r in Role if r.value in names), None)
        return role.label if role else "—"
