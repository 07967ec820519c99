"""The webhook event names: one per timeline action merchants may see.

Internal timeline entries (notes, service-level warnings) are never sent.
If `disputes` gains an action registry with event names, read them from it
here and keep this module as the only place webhooks learn them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# timeline action -> (event type, what it means)
EVENTS: dict[str, tuple[str, object]] = {
    "open": ("dispute.opened", _("A buyer opened a case")),
    "accept": ("dispute.accepted", _("The merchant accepted the claim")),
    "offer": ("dispute.offered", _("The merchant made a counter-offer")),
    "accept_offer": ("dispute.offer_accepted", _("The buyer accepted the offer")),
    "reject": ("dispute.rejected", _("The merchant rejected the claim")),
    "request_intervention": (
        "dispute.intervention_requested",
        _("A party asked the platform to step in"),
    ),
    "auto_escalate": (
        "dispute.escalated",
        _("The merchant stayed silent: the case went to the platform"),
    ),
    "auto_refund": (
        "dispute.auto_refunded",
        _("The merchant stayed silent: the buyer was refunded"),
    ),
    "withdraw": ("dispute.withdrawn", _("The buyer withdrew the case")),
    "take": ("dispute.taken", _("An agent picked up the complaint")),
    "assign": ("dispute.assigned", _("The case was assigned to another agent")),
    "start_mediation": ("dispute.mediation_started", _("Mediation started")),
    "propose": ("dispute.proposed", _("The platform proposed a settlement")),
    "accept_proposal": (
        "dispute.proposal_accepted",
        _("A party accepted the proposal"),
    ),
    "request_evidence": ("dispute.evidence_requested", _("Evidence was requested")),
    "evidence_timeout": (
        "dispute.evidence_timed_out",
        _("An evidence request timed out"),
    ),
    "evidence_deadline": (
        "dispute.evidence_deadline_passed",
        _("The evidence deadline passed"),
    ),
    "message": ("dispute.message_posted", _("A message was posted")),
    "evidence": ("dispute.evidence_uploaded", _("Evidence was uploaded")),
    "rule": ("dispute.ruled", _("The platform ruled")),
    "appeal": ("dispute.appealed", _("A party appealed the ruling")),
    "close": ("dispute.closed", _("The ruling became final")),
    "uphold": ("dispute.upheld", _("The ruling was upheld on appeal")),
    "overturn": ("dispute.overturned", _("The ruling was overturned on appeal")),
}

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
