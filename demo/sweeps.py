"""What the deadline worker does to a demo case between two scripted steps.

The worker (`apply_deadlines --loop`) warns once 80 % of the agents' current
target has passed and records a breach when it passes
(`disputes.services.deadlines`: `sla_warning_mark`, `sla_breach_mark`). The
targets count working hours on the Chinese calendar, so a plan (times
relative to the opening, no calendar) cannot place these steps: before each
step, both executors ask here what the worker, running all along, would have
done since the previous one, and do it at that moment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from disputes.choices import State
from disputes.sla import RULING_STATES


class TargetClock(Protocol):
    state: str
    sla_due_at: datetime | None
    sla_warn_at: datetime | None
    pickup_warned_at: datetime | None
    pickup_breached_at: datetime | None
    ruling_warned_at: datetime | None
    ruling_breached_at: datetime | None


def target_sweeps(case: TargetClock, before: datetime) -> list[tuple[str, datetime]]:
    """The worker's steps on `case` due before `before`: ("sla_warning" or
    "sla_breach", when), in order; the same rule as `sla.warning_due` and
    `sla.breach_due`, for one case in memory."""
    if case.sla_warn_at is None:  # no target (cheaper to ask than the state)
        return []
    state = case.state
    if state == State.COMPLAINT:
        warned, breached = case.pickup_warned_at, case.pickup_breached_at
    elif state in RULING_STATES:
        warned, breached = case.ruling_warned_at, case.ruling_breached_at
    else:
        return []
    steps = []
    if warned is None and case.sla_warn_at and case.sla_warn_at < before:
        steps.append(("sla_warning", case.sla_warn_at))
    if breached is None and case.sla_due_at and case.sla_due_at < before:
        steps.append(("sla_breach", case.sla_due_at))
    return steps
