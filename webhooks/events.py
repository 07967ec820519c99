"""The webhook event names: one per timeline action merchants may see.

Internal timeline entries (notes, service-level warnings) are never sent.
The event names come from the action registry (`disputes.actions`); this
module adds what each means and is the only place webhooks learn them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from disputes.actions import EVENT_NAMES

# What each event type means (the names come from disputes.actions).
DESCRIPTIONS: dict[str, object] = {
    "dispute.opened": _("A buyer opened a case"),
    "dispute.accepted": _("The merchant accepted the claim"),
    "dispute.offered": _("The merchant made a counter-offer"),
    "dispute.offer_accepted": _("The buyer accepted the offer"),
    "dispute.rejected": _("The merchant rejected the claim"),
    "dispute.intervention_requested": _("A party asked the platform to step in"),
    "dispute.escalated": _("The merchant stayed silent: the case went to the platform"),
    "dispute.auto_refunded": _("The merchant stayed silent: the buyer was refunded"),
    "dispute.accepted_automatically": _(
        "The merchant stayed silent: the return, exchange or resend was taken as agreed"
    ),
    "dispute.withdrawn": _("The buyer withdrew the case"),
    "dispute.taken": _("An agent picked up the complaint"),
    "dispute.assigned": _("The case was assigned to another agent"),
    "dispute.mediation_started": _("Mediation started"),
    "dispute.proposed": _("The platform proposed a settlement"),
    "dispute.proposal_accepted": _("A party accepted the proposal"),
    "dispute.evidence_requested": _("Evidence was requested"),
    "dispute.evidence_timed_out": _("An evidence request timed out"),
    "dispute.evidence_deadline_passed": _("The evidence deadline passed"),
    "dispute.message_posted": _("A message was posted"),
    "dispute.evidence_uploaded": _("Evidence was uploaded"),
    "dispute.ruled": _("The platform ruled"),
    "dispute.appealed": _("A party appealed the ruling"),
    "dispute.closed": _("The ruling became final"),
    "dispute.upheld": _("The ruling was upheld on appeal"),
    "dispute.overturned": _("The ruling was overturned on appeal"),
    # Goods (returns, exchanges, resends).
    "dispute.conceded": _("The merchant agreed to the claim during intervention"),
    "dispute.proposal_declined": _("A party declined the proposal"),
    "dispute.return_shipped": _("The buyer sent the goods back"),
    "dispute.return_confirmed": _("The merchant confirmed the returned goods"),
    "dispute.return_refused": _("The merchant refused the returned goods"),
    "dispute.replacement_shipped": _("The merchant sent the replacement"),
    "dispute.replacement_confirmed": _("The buyer confirmed the replacement"),
    "dispute.return_lapsed": _("The goods were not sent back in time"),
    "dispute.return_confirmed_automatically": _(
        "The returned goods were taken as received"
    ),
    "dispute.replacement_overdue": _("The replacement was not sent in time"),
    "dispute.replacement_confirmed_automatically": _(
        "The replacement was taken as received"
    ),
    "dispute.parcel_updated": _("A parcel of the case was picked up or delivered"),
    "dispute.goods_step_due_soon": _("A return or replacement step is due soon"),
}

# timeline action -> (event type, what it means): every entry the registry
# names an event for; internal ones (notes, service levels) have none.
EVENTS: dict[str, tuple[str, object]] = {
    action: (name, DESCRIPTIONS[name])
    for action, name in EVENT_NAMES.items()
    if name in DESCRIPTIONS
}

# Events of a store rather than of a case.
STORE_GOVERNANCE_CHANGED = "store.governance_changed"
EVENTS["governance"] = (
    STORE_GOVERNANCE_CHANGED,
    _("The store's governance tier changed (or an appeal was decided)"),
)

EVENT_TYPES: list[str] = [name for name, _label in EVENTS.values()]
EVENT_CHOICES: list[tuple[str, object]] = [
    (name, label) for name, label in EVENTS.values()
]


def event_type_for(action: str) -> str | None:
    """The event type for a timeline action, or None if it is never sent."""
    entry = EVENTS.get(action)
    return entry[0] if entry else None


def event_label(event_type: str) -> str:
    """What an event type means, in the reader's language."""
    labels = dict(EVENTS.values())
    return str(labels.get(event_type, event_type))
