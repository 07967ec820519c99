"""What a reader may see of a case's people and timeline.

A party (the buyer or the store) sees agents by staff number, the store's
people by the store's name, and no logins or raw rule codes in the notes;
merchants read the buyer as 张** (`buyer_name`); platform staff see
everything. The parties' pages, the API, mail and webhooks ask here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from accounts.privacy import buyer_name_for, masked_name
from core.roles import STAFF_ROLES, Role

from .actions import ActionName
from .choices import Party

if TYPE_CHECKING:
    from accounts.models import User
    from stores.models import Store

    from .models import DisputeEvent


__all__ = [
    "buyer_name",
    "masked_name",
    "party_note",
    "shown_name",
    "timeline_for_party",
]


def buyer_name(buyer: User, *, reader: Any, login: bool = False) -> str:
    """The buyer as `reader` may read them: merchants 张**, the buyer and
    platform staff the name (or the login, for APIs that name users so)."""
    return buyer_name_for(buyer, reader, login=login)


def shown_name(
    user: User | None,
    role: str,
    *,
    for_party: bool,
    reader: Any,
    store: Store | None = None,
) -> str:
    """A person as this reader sees them: parties see agents by staff number,
    the store's people by the store's name, and merchants the buyer masked."""
    if user is None:
        return _("system")
    if role in STAFF_ROLES and for_party:
        return user.public_name
    if role == Role.MERCHANT and store is not None and for_party:
        return store.name
    if role == Role.BUYER:
        return buyer_name(user, reader=reader)
    return str(user)


# Rulings once wrote "[code vN] reasoning" into the timeline; the rule is now
# shown as a link, so the raw code is cut from those older entries.
LEGACY_RULE_PREFIX = re.compile(r"^\[[\w-]+ v\d+\] ")


# Older entries (and the bulk demo builder) wrote the assignee's login into a
# take/assign note; parties read the assignee as the entry's subject instead.
ASSIGNMENT_ACTIONS = (ActionName.TAKE, ActionName.ASSIGN)


def party_note(event: DisputeEvent, *, for_party: bool) -> str:
    """The entry's note as this reader may see it: no logins, no raw rule codes."""
    note = event.note
    if event.action in (ActionName.RULE, ActionName.OVERTURN):
        note = LEGACY_RULE_PREFIX.sub("", note)
    if event.action in ASSIGNMENT_ACTIONS and for_party:
        return ""
    return note


def timeline_for_party(
    events: Iterable[DisputeEvent],
    *,
    for_party: bool,
    reader: Any,
    store: Store | None = None,
) -> list[DisputeEvent]:
    """Decorate timeline entries: who (as the reader may see them) and offers'
    fate (withdrawn by a reject, replaced by a newer offer)."""
    rows = list(events)
    last_offer = None
    for event in rows:
        event.who = shown_name(
            event.actor,
            event.actor_role,
            for_party=for_party,
            reader=reader,
            store=store,
        )
        event.note = party_note(event, for_party=for_party)
        event.subject_name = (
            shown_name(
                event.subject,
                _role_of_subject(event),
                for_party=for_party,
                reader=reader,
            )
            if event.subject_id
            else ""
        )
        event.offer_status = ""
        if event.action == ActionName.OFFER:
            if last_offer is not None:
                last_offer.offer_status = "replaced"
            last_offer = event
        elif event.action == ActionName.REJECT and last_offer is not None:
            last_offer.offer_status = "withdrawn"
            last_offer = None
        elif event.action in (ActionName.ACCEPT_OFFER, ActionName.REQUEST_INTERVENTION):
            last_offer = None
    return rows


def _role_of_subject(event: DisputeEvent) -> str:
    """The subject of take/assign is platform staff; of an on-behalf open, the buyer."""
    if event.action in ASSIGNMENT_ACTIONS:
        return Role.AGENT.value
    return Party.BUYER
