"""Which role a user has: the one place that reads group membership."""

from __future__ import annotations

from django.contrib.auth.models import Group

from .models import PLATFORM_ROLES, STAFF_ROLES, Role, User

_CACHE_ATTR = "_cached_role"


def role_of(user: object) -> Role | None:
    """Return the user's role, or None for anonymous users and users without one."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, _CACHE_ATTR, "unset")
    if cached != "unset":
        return cached
    names = set(user.groups.values_list("name", flat=True))
    role = next((r for r in Role if r.value in names), None)
    setattr(user, _CACHE_ATTR, role)
    return role


def is_platform_staff(user: object) -> bool:
    """Agents and supervisors: the people who handle cases."""
    return role_of(user) in PLATFORM_ROLES


def is_staff_role(user: object) -> bool:
    """Agents, supervisors and managers: the people who see every case."""
    return role_of(user) in STAFF_ROLES


def assign_role(user: User, role: Role) -> None:
    """Put the user in exactly one role group; staff roles may enter the admin."""
    groups = Group.objects.filter(name__in=[r.value for r in Role])
    user.groups.remove(*groups)
    user.groups.add(Group.objects.get(name=role.value))
    wants_staff = role in STAFF_ROLES
    if user.is_staff != wants_staff:
        user.is_staff = wants_staff
        user.save(update_fields=["is_staff"])
    setattr(user, _CACHE_ATTR, role)
