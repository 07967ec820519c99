"""The roles and the one set of role predicates every app asks.

A role is a Django group named after a `Role` value. Superusers (the people
who run the site) count as staff of every kind, so the admin, the scoping of
cases and the workbench agree about them; they still cannot run case actions,
which need a real role (see `disputes.actions`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

_CACHE_ATTR = "_cached_role"


class Role(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    MERCHANT = "merchant", _("Merchant")
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Manager")


# Who sees every case (and works in the admin).
STAFF_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER})
# Who handles cases.
PLATFORM_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR})


def role_of(user: object) -> Role | None:
    """The user's role, or None for anonymous users and users without one."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, _CACHE_ATTR, "unset")
    if cached != "unset":
        return cached  # type: ignore[return-value]
    names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
    role = next((r for r in Role if r.value in names), None)
    setattr(user, _CACHE_ATTR, role)
    return role


def remember_role(user: object, role: Role | None) -> None:
    """Cache a role just written to the database on the user object."""
    setattr(user, _CACHE_ATTR, role)


def _superuser(user: object) -> bool:
    return bool(getattr(user, "is_superuser", False)) and bool(
        getattr(user, "is_active", False)
    )


def is_platform_staff(user: object) -> bool:
    """Agents and supervisors: the people who handle cases."""
    return _superuser(user) or role_of(user) in PLATFORM_ROLES


def is_staff_role(user: object) -> bool:
    """Agents, supervisors and managers: the people who see every case."""
    return _superuser(user) or role_of(user) in STAFF_ROLES


def is_supervisor(user: object) -> bool:
    """Supervisors: they assign cases and decide appeals."""
    return _superuser(user) or role_of(user) == Role.SUPERVISOR


# Where each role works; everyone signs in at one place and lands here.
ROLE_HOMES = {
    Role.BUYER: "/disputes/",
    Role.MERCHANT: "/disputes/",
    Role.AGENT: "/admin/",
    Role.SUPERVISOR: "/admin/",
    Role.MANAGER: "/reports/",
}


def home_of(user: object) -> str | None:
    """The page a user lands on after signing in (None without a role)."""
    role = role_of(user)
    return ROLE_HOMES.get(role) if role else None


def staff_home(user: object) -> str | None:
    """Where platform staff work instead of the buyers' and merchants' lists."""
    role = role_of(user)
    return ROLE_HOMES.get(role) if role in STAFF_ROLES else None
