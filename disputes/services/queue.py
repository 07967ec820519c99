"""The agents' queue: hand an agent the most urgent free complaint."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ActionNotPermitted
from core.roles import PLATFORM_ROLES, role_of

from ..choices import State
from ..models import Dispute
from .platform import dispute_take


def next_free_complaints() -> QuerySet[Dispute]:
    """Free complaints, most urgent first: nearest pick-up target, then oldest."""
    free: QuerySet[Dispute] = Dispute.objects.filter(
        state=State.COMPLAINT, assigned_to__isnull=True
    ).order_by(F("deadline_at").asc(nulls_last=True), "opened_at", "id")
    return free


def dispute_take_next(*, actor: User) -> Dispute | None:
    """Take the most urgent free complaint for `actor`; None when none is waiting.

    The candidate row is locked with SKIP LOCKED, so agents pressing "take
    next" at the same moment are handed different cases, never the same one.
    """
    if role_of(actor) not in PLATFORM_ROLES:
        raise ActionNotPermitted(_("Only agents and supervisors take complaints."))
    with transaction.atomic():
        case = (
            next_free_complaints()
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if case is None:
            return None
        return dispute_take(dispute=case, actor=actor)
