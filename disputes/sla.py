"""The agents' service-level targets, counted in working hours.

Pick-up: a complaint is taken within `pickup_sla_hours` working hours of the
intervention. Ruling: the case is ruled within `ruling_sla_hours` working
hours of the pick-up. A warning is due once `SLA_WARNING_SHARE` (80 %) of a
target's working time has passed. The parties' deadlines stay on calendar
time and are not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.db.models import Q

from core.workcalendar import WorkingHours, add_working_hours, working_hours

from .choices import DeadlineKind, State
from .models import Dispute
from .policy import Policy

RULING_STATES = (State.VERIFICATION, State.MEDIATION)


@dataclass(frozen=True)
class Target:
    kind: str  # DeadlineKind.PICKUP or DeadlineKind.RULING
    due_at: datetime
    warn_at: datetime


def current_target(case: Dispute, policy: Policy) -> Target | None:
    """The target the agents are working against now, or None."""
    if case.state == State.COMPLAINT and case.intervened_at:
        kind, start, hours = (
            DeadlineKind.PICKUP,
            case.intervened_at,
            policy.pickup_sla_hours,
        )
    elif case.state in RULING_STATES and case.taken_at:
        kind, start, hours = DeadlineKind.RULING, case.taken_at, policy.ruling_sla_hours
    else:
        return None
    return _target(kind, start, hours, settings.SLA_WARNING_SHARE, working_hours())


# A case keeps its target over many steps; the bulk seeder asks again each step.
@lru_cache(maxsize=256)
def _target(
    kind: str, start: datetime, hours: int, share: float, calendar: WorkingHours
) -> Target:
    return Target(
        kind=kind,
        due_at=add_working_hours(start, hours, calendar=calendar),
        warn_at=add_working_hours(start, hours * share, calendar=calendar),
    )


def sla_refresh(case: Dispute, policy: Policy) -> Target | None:
    """Point `sla_due_at` and `sla_warn_at` at the current target (in memory)."""
    target = current_target(case, policy)
    case.sla_due_at = target.due_at if target else None
    case.sla_warn_at = target.warn_at if target else None
    return target


# The same rule as database filters, for the sweep and the workbench.
def breach_due(now: datetime) -> Q:
    """Cases whose current target has just been missed and not yet recorded."""
    return Q(sla_due_at__lte=now) & (
        Q(state=State.COMPLAINT, pickup_breached_at__isnull=True)
        | Q(state__in=RULING_STATES, ruling_breached_at__isnull=True)
    )


def warning_due(now: datetime) -> Q:
    """Cases past 80 % of their current target whose warning is not yet sent."""
    return Q(sla_warn_at__lte=now) & (
        Q(state=State.COMPLAINT, pickup_warned_at__isnull=True)
        | Q(state__in=RULING_STATES, ruling_warned_at__isnull=True)
    )


def due_soon(now: datetime) -> Q:
    """Past the warning point of the current target, not yet due."""
    return Q(sla_warn_at__lte=now, sla_due_at__gt=now)


def missing_target() -> Q:
    """Cases that should have a target but have none (seeded or older rows)."""
    return Q(sla_due_at__isnull=True) & (
        Q(state=State.COMPLAINT, intervened_at__isnull=False)
        | Q(state__in=RULING_STATES, taken_at__isnull=False)
    )
