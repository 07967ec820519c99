"""The agents' queue: hand an agent the most urgent free complaint."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ActionNotPermitted
from core.roles import PLATFORM_ROLES, role_of

from ..choices import State
from ..models import Dispute, DisputeEvent
from .platform import dispute_take

# A second press of "take next" this soon after a take is the same click
# (a double click, "n" pressed twice): it opens the case just taken.
REPEAT_WINDOW = timedelta(seconds=5)


def next_free_complaints(*, priority: bool = False) -> QuerySet[Dispute]:
    """Free complaints, most urgent first: nearest pick-up target, then oldest.
    `priority`: only those in the priority queue (restricted stores')."""
    free: QuerySet[Dispute] = Dispute.objects.filter(
        state=State.COMPLAINT, assigned_to__isnull=True
    )
    if priority:
        free = free.filter(priority_queue=True)
    return free.order_by(F("deadline_at").asc(nulls_last=True), "opened_at", "id")


def just_taken(*, actor: User) -> Dispute | None:
    """The case `actor` took in the last REPEAT_WINDOW, if it is still theirs and
    nothing happened on it since (its last timeline entry is that take)."""
    since = timezone.now() - REPEAT_WINDOW
    case = (
        Dispute.objects.filter(
            assigned_to=actor, state=State.VERIFICATION, updated_at__gte=since
        )
        .order_by("-updated_at", "-id")
        .first()
    )
    if case is None:
        return None
    last = DisputeEvent.objects.filter(dispute=case).order_by("-id").first()
    if last is None or (last.action, last.actor_id) != ("take", actor.pk):
        return None
    return case if last.created_at >= since else None


def dispute_take_next(*, actor: User) -> Dispute | None:
    """Take the most urgent free complaint for `actor`; None when none is waiting.
    A complaint in the priority queue (a restricted store's) comes first.

    The candidate row is locked with SKIP LOCKED, so agents pressing "take
    next" at the same moment are handed different cases, never the same one.
    One agent's presses queue on their user row (FOR NO KEY UPDATE: the
    foreign keys of other writes that name the agent do not wait), and a
    press within REPEAT_WINDOW of a take hands back the case just taken.
    """
    if role_of(actor) not in PLATFORM_ROLES:
        raise ActionNotPermitted(_("Only agents and supervisors take complaints."))
    with transaction.atomic():
        list(User.objects.select_for_update(no_key=True).filter(pk=actor.pk))
        again = just_taken(actor=actor)
        if again is not None:
            return again
        # The priority queue first (restricted stores' cases), then the rest.
        case = None
        for priority in (True, False):
            case = (
                next_free_complaints(priority=priority)
                .select_for_update(skip_locked=True, of=("self",))
                .first()
            )
            if case is not None:
                break
        if case is None:
            return None
        return dispute_take(dispute=case, actor=actor)
