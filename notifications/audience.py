"""Who hears of each timeline entry, and by mail or not: the one place that decides.

- The parties (the buyer, the store's owner and staff) hear of every public
  entry on their case.
- The assigned agent hears of everything on their case: party actions,
  evidence arriving, deadlines acting, a supervisor's decision, an
  `sla_warning`; an agent hears of being given a case (`take`, `assign`).
- Supervisors hear of every appeal filed and every missed service level
  (`sla_breach`: before pick-up nobody else is there to hear it).
- Nobody hears of what they did themselves; service-level entries
  (`sla_warning`, `sla_breach`) reach platform staff only.
"""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import User
from core.roles import Role
from disputes.actions import ESSENTIAL_MAIL, ActionName, EventKindName
from disputes.models import Dispute, DisputeEvent

SLA_KINDS = frozenset({EventKindName.SLA_WARNING, EventKindName.SLA_BREACH})
SUPERVISOR_KINDS = frozenset({ActionName.APPEAL, EventKindName.SLA_BREACH})

# Mail a user always gets (opting out covers only the rest): the case was
# opened, decided or closed, money moved, or someone asks them for something
# by a deadline. Messages, evidence uploads, assignment and warnings are news.
ESSENTIAL_KINDS = ESSENTIAL_MAIL  # `essential=True` in disputes/actions.py


def audience(
    *, case: Dispute, event: DisputeEvent, assigned_to: User | None
) -> list[User]:
    """The active users told of `event`, never its actor, each once.

    `assigned_to` is the case's agent when the entry was written (the fan-out
    runs later, when the case may have moved on).
    """
    people: list[User | None] = []
    if not event.internal and event.action not in SLA_KINDS:
        people += [case.buyer, case.store.owner, *case.store.staff.all()]
    people.append(assigned_to)
    if event.action in SUPERVISOR_KINDS:
        people += supervisors()
    return _distinct_active(people, exclude_id=event.actor_id)


def supervisors() -> list[User]:
    return list(User.objects.filter(groups__name=Role.SUPERVISOR, is_active=True))


def wants_mail(user: User, kind: str) -> bool:
    """Mail `user` about an entry of this kind? Essential mail ignores opt-out."""
    return bool(user.email) and (kind in ESSENTIAL_KINDS or user.email_updates)


def _distinct_active(people: Iterable[User | None], *, exclude_id) -> list[User]:
    seen: dict[int, User] = {}
    for person in people:
        if person is None or not person.is_active or person.pk == exclude_id:
            continue
        seen.setdefault(person.pk, person)
    return list(seen.values())
