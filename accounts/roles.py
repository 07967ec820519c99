"""Give a user their role (the predicates that read it live in `core.roles`)."""

from __future__ import annotations

from django.contrib.auth.models import Group

from core.roles import STAFF_ROLES, Role, remember_role

from .models import User


def assign_role(user: User, role: Role) -> None:
    """Put the user in exactly one role group; staff roles may enter the admin."""
    groups = Group.objects.filter(name__in=[r.value for r in Role])
    user.groups.remove(*groups)
    user.groups.add(Group.objects.get(name=role.value))
    wants_staff = role in STAFF_ROLES
    if user.is_staff != wants_staff:
        user.is_staff = wants_staff
        user.save(update_fields=["is_staff"])
    remember_role(user, role)
