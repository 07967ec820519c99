"""The case actions and timeline entries, each declared once.

Everything else reads this module: the services' role check
(`check_action`, `available_actions`), the typed dispatch
(`disputes.services.perform`), the portal and admin forms
(`disputes.forms`, `workbench.admin.forms`), the API's per-action serializers
and OpenAPI text (`disputes.api`), button labels and tones, the "done"
messages, the timeline labels (`EVENT_LABELS`), the choices of
`DisputeEvent.action` / `actor_role`, and the webhook / notification event
names (`dispute.<past tense>`).

Adding an action is four steps:

1. one `ActionName` member and one `Action(...)` entry in `ACTIONS` below
   (name, label, timeline wording, roles, input fields, whether it moves
   money, event name);
2. one `@fsm.transition` method of the same name on `Dispute`
   (`disputes/models/case.py`), guards as `conditions`, people as `permission`;
3. one service `dispute_<name>` in `disputes/services/` with keyword-only,
   typed arguments named like the fields, written as
   `with case_action(...) as step:` (see `disputes/services/_core.py`);
4. for an action people run, its typed input in
   `disputes/services/dispatch.py` (the fields again, and the service call).

Forms, serializers, buttons and labels follow; `tests/disputes/test_actions_registry.py`
fails until all four exist. A timeline entry that is not an action (a
message, an SLA warning, ...) is one `EventKindName` member and one
`EventKind(...)` entry in `EVENT_KINDS`.
Then add a migration (`makemigrations disputes`) for the new choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from orders.carriers import Carrier

from . import action_names
from .choices import (
    Liability,
    Outcome,
    Party,
    RejectionPreset,
    Remedy,
    ReturnRefusal,
)

# The names, re-exported: code imports them with the registry.
ActionName = action_names.ActionName
EventKindName = action_names.EventKindName
EntryName = action_names.EntryName

SYSTEM = "system"


class FieldType(StrEnum):
    """What an input field holds once the edge (form or serializer) parsed it."""

    AMOUNT = "amount"  # Decimal > 0, two places
    TEXT = "text"  # str, stripped
    CHOICE = "choice"  # str, one of `choices`
    USER = "user"  # User: an active agent or supervisor
    DATETIME = "datetime"  # aware datetime
    RULE = "rule"  # PlatformRule in force, given by its code
    FLAG = "flag"  # bool, never required (an unticked box is False)


@dataclass(frozen=True)
class Field:
    """One typed input of an action; its name is the service's keyword."""

    name: str
    kind: FieldType
    label: Promise
    required: bool = True
    choices: type[models.TextChoices] | None = None
    max_length: int = 5000
    help_text: Promise | str = ""
    roles: frozenset[Role] | None = None  # who sees the field; None: everybody
    radio: bool = False  # pages show the choices as radio buttons


@dataclass(frozen=True)
class Action:
    """One case action: a transition on `Dispute` run by one service."""

    name: str
    label: Promise  # buttons, titles and messages ("Accept the offer")
    past: Promise  # the timeline ("Buyer accepted the offer")
    event: str  # webhook and notification event name, "dispute.<past tense>"
    roles: frozenset[Role] | None  # who may ever run it; None: the system only
    fields: tuple[Field, ...] = ()
    moves_money: bool = False
    done: Promise | None = None  # the message after it worked on a page
    tone: str = ""  # "danger" or "warn" for buttons that end or escalate
    essential: bool = False  # mailed even to users who opted out of news
    service: str = ""  # defaults to dispute_<name>
    # The confirm dialog on the parties' pages: the amount and what happens next;
    # %(amount)s is the case's `confirm_amount` field ({amount}: the form's own).
    confirm: Promise | None = None
    confirm_amount: str = ""

    @property
    def service_name(self) -> str:
        return self.service or f"dispute_{self.name}"

    @property
    def for_users(self) -> bool:
        return bool(self.roles)

    @property
    def on_portal(self) -> bool:
        """Buyers and merchants run it from the case page."""
        return bool(self.roles and self.roles & PARTY_ROLES)

    @property
    def on_admin(self) -> bool:
        """Agents and supervisors run it from the workbench."""
        return bool(self.roles and self.roles & HANDLER_ROLES)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class EventKind:
    """A timeline entry that is not an action (a message, a timeout...)."""

    name: str
    past: Promise
    event: str | None = None  # None: never leaves the platform (internal)
    essential: bool = False  # mailed even to users who opted out of news


PARTY_ROLES = frozenset({Role.BUYER, Role.MERCHANT})
HANDLER_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR})
BUYER = frozenset({Role.BUYER})
MERCHANT = frozenset({Role.MERCHANT})
SUPERVISOR = frozenset({Role.SUPERVISOR})

# Inputs shared by several actions (each is still declared once, here).
NOTE = Field("note", FieldType.TEXT, _("Note (optional)"), required=False)
REASONING = Field("reasoning", FieldType.TEXT, _("Reasoning"))
# An appeal decision is a second look at a ruling: the supervisor writes a
# review opinion (复审意见), not the reasoning of a first ruling.
REVIEW_OPINION = Field("reasoning", FieldType.TEXT, _("Review opinion"))
DECISION_FACTS = (
    Field("outcome", FieldType.CHOICE, _("Outcome"), choices=Outcome, radio=True),
    Field("liability", FieldType.CHOICE, _("Liability"), choices=Liability),
    Field(
        "amount",
        FieldType.AMOUNT,
        _("Amount to the buyer (¥)"),
        required=False,
        help_text=_("Required when the buyer wins; refunded at once."),
    ),
    Field("rule", FieldType.RULE, _("Platform rule (version in force)")),
)

# What moves under a buyer win: the remedy (blank: a refund at once).
DECISION_REMEDY = Field(
    "remedy",
    FieldType.CHOICE,
    _("Remedy"),
    required=False,
    choices=Remedy,
    help_text=_(
        "Return and refund, exchange or resend: the goods move first and the "
        "amount is refunded once they are back. Blank or refund only: refunded "
        "at once, without a return."
    ),
)
PARCEL = (
    Field("carrier", FieldType.CHOICE, _("Carrier"), choices=Carrier),
    Field(
        "tracking_number",
        FieldType.TEXT,
        _("Tracking number"),
        max_length=40,
        help_text=_("As printed on the waybill."),
    ),
)

COMPENSATION = Field(
    "compensation",
    FieldType.FLAG,
    _("Also award the compensation the rule provides (e.g. 假一赔三)"),
    required=False,
    help_text=_(
        "Paid by the merchant on top of the refund: the rule's multiple of the "
        "refunded price, at least its minimum. Only for rules that provide it."
    ),
)

DEPARTURE_REASON = Field(
    "departure_reason",
    FieldType.TEXT,
    _("Departure reason"),
    required=False,
    help_text=_(
        "Required when the decision goes against a clear majority of the similar "
        "decided cases (at least 5, two thirds agreeing): why this case differs."
    ),
)

ACTIONS: dict[ActionName, Action] = {
    ActionName(a.name): a
    for a in (
        Action(
            "accept",
            _("Accept the claim and refund"),
            _("Merchant accepted"),
            "dispute.accepted",
            MERCHANT,
            moves_money=True,
            done=_("You accepted the claim; the buyer is refunded."),
            essential=True,
            confirm=_(
                "Refund %(amount)s to the buyer now? The case closes and this "
                "cannot be undone."
            ),
            confirm_amount="amount",
        ),
        Action(
            "offer",
            _("Make a counter-offer"),
            _("Merchant offered"),
            "dispute.offered",
            MERCHANT,
            fields=(
                Field("amount", FieldType.AMOUNT, _("Offer (¥)")),
                Field("note", FieldType.TEXT, _("Note"), required=False),
            ),
            done=_("Your offer was sent to the buyer."),
            essential=True,
            confirm=_(
                "Offer the buyer a refund of {amount}? If the buyer accepts, it is "
                "refunded at once. Any earlier offer is replaced."
            ),
        ),
        Action(
            "accept_offer",
            _("Accept the offer"),
            _("Buyer accepted the offer"),
            "dispute.offer_accepted",
            BUYER,
            moves_money=True,
            done=_("You accepted the offer; the refund is on its way."),
            essential=True,
            confirm=_(
                "Accept the store's offer of %(amount)s? You are refunded now and "
                "the case closes."
            ),
            confirm_amount="offer_amount",
        ),
        Action(
            "reject",
            _("Reject the claim"),
            _("Merchant rejected"),
            "dispute.rejected",
            MERCHANT,
            fields=(
                Field(
                    "preset",
                    FieldType.CHOICE,
                    _("Reason for rejecting"),
                    required=False,
                    choices=RejectionPreset,
                ),
                Field(
                    "reason",
                    FieldType.TEXT,
                    _("Details for the buyer"),
                    required=False,
                    help_text=_("Choose a reason or write one."),
                ),
            ),
            done=_("You rejected the claim."),
            tone="danger",
            essential=True,
            confirm=_(
                "Reject the claim of %(amount)s? Your open offer, if any, is "
                "withdrawn and the buyer may ask the platform to step in."
            ),
            confirm_amount="amount",
        ),
        Action(
            "request_intervention",
            _("Ask the platform to step in"),
            _("Intervention requested"),
            "dispute.intervention_requested",
            PARTY_ROLES,
            fields=(NOTE,),
            done=_("The platform has been asked to step in."),
            tone="warn",
            essential=True,
            confirm=_(
                "Ask the platform to step in? An agent will check the facts, "
                "mediate or rule; the negotiation ends."
            ),
        ),
        Action(
            "withdraw",
            _("Withdraw the case"),
            _("Withdrawn"),
            "dispute.withdrawn",
            BUYER,
            fields=(NOTE,),
            done=_("The case was withdrawn."),
            tone="danger",
            essential=True,
            confirm=_("Withdraw the case? It closes without a refund from this case."),
        ),
        Action(
            "escalate",
            _("Escalate to the platform at a party's request"),
            _("Escalated by customer service"),
            "dispute.escalated_by_customer_service",
            HANDLER_ROLES,
            fields=(
                Field(
                    "party",
                    FieldType.CHOICE,
                    _("Who asked for the platform"),
                    choices=Party,
                ),
                Field(
                    "note",
                    FieldType.TEXT,
                    _("What they said (both parties see it)"),
                    required=False,
                ),
            ),
            done=_(
                "The case is with the platform now, as the party asked; it waits "
                "in the complaint queue."
            ),
            tone="warn",
        ),
        Action(
            "take",
            _("Take"),
            _("Taken"),
            "dispute.taken",
            HANDLER_ROLES,
            fields=(
                Field(
                    "assignee",
                    FieldType.USER,
                    _("Assign to (blank: me)"),
                    required=False,
                    help_text=_("An agent's username or id."),
                    roles=SUPERVISOR,
                ),
            ),
            done=_("The complaint is taken; the case moves on to verification."),
        ),
        Action(
            "assign",
            _("Assign"),
            _("Assigned"),
            "dispute.assigned",
            SUPERVISOR,
            fields=(Field("assignee", FieldType.USER, _("Agent")),),
            done=_("The case is assigned to the agent you chose."),
        ),
        Action(
            "start_mediation",
            _("Start mediation"),
            _("Mediation started"),
            "dispute.mediation_started",
            HANDLER_ROLES,
            fields=(Field("note", FieldType.TEXT, _("Note"), required=False),),
            done=_("Mediation has started; propose a settlement when you are ready."),
        ),
        Action(
            "propose",
            _("Propose a settlement"),
            _("Settlement proposed"),
            "dispute.proposed",
            HANDLER_ROLES,
            fields=(
                Field("amount", FieldType.AMOUNT, _("Settlement amount (¥)")),
                Field("note", FieldType.TEXT, _("Note to both parties")),
            ),
            done=_(
                "The proposal was sent to both parties; it is refunded once both "
                "accept."
            ),
            essential=True,
        ),
        Action(
            "accept_proposal",
            _("Accept the platform's proposal"),
            _("Proposal accepted"),
            "dispute.proposal_accepted",
            PARTY_ROLES,
            moves_money=True,
            done=_(
                "You accepted the proposal. Once both parties have accepted, the "
                "refund is paid and the case closes."
            ),
            confirm=_(
                "Accept the platform's proposal of %(amount)s? Once both parties "
                "accept, it is refunded and the case closes."
            ),
            confirm_amount="proposal_amount",
        ),
        Action(
            "request_evidence",
            _("Request evidence"),
            _("Evidence requested"),
            "dispute.evidence_requested",
            HANDLER_ROLES,
            fields=(
                Field("party", FieldType.CHOICE, _("Ask whom"), choices=Party),
                Field("note", FieldType.TEXT, _("What is needed")),
                Field(
                    "due_at",
                    FieldType.DATETIME,
                    _("Due by (blank: the evidence deadline of the case's policy)"),
                    required=False,
                ),
            ),
            done=_(
                "The evidence request was sent: the party is told what is needed and "
                "by when."
            ),
            essential=True,
        ),
        Action(
            "rule",
            _("Rule"),
            _("Ruled"),
            "dispute.ruled",
            HANDLER_ROLES,
            fields=(
                *DECISION_FACTS,
                DECISION_REMEDY,
                REASONING,
                COMPENSATION,
                DEPARTURE_REASON,
            ),
            moves_money=True,
            done=_(
                "The ruling is made and both parties are told. Either may appeal "
                "once before the appeal deadline."
            ),
            essential=True,
        ),
        Action(
            "appeal",
            _("Appeal the ruling"),
            _("Appealed"),
            "dispute.appealed",
            PARTY_ROLES,
            fields=(
                Field(
                    "reason", FieldType.TEXT, _("Why you appeal (the new information)")
                ),
            ),
            done=_(
                "Your appeal was filed; a senior reviewer will re-examine the case."
            ),
            tone="warn",
            essential=True,
            confirm=_(
                "Appeal the ruling? A case can be appealed only once; a senior "
                "reviewer re-examines it."
            ),
        ),
        Action(
            "uphold",
            _("Uphold the ruling"),
            _("Ruling upheld"),
            "dispute.upheld",
            SUPERVISOR,
            fields=(REVIEW_OPINION,),
            done=_("The ruling is upheld and the case is closed."),
            essential=True,
        ),
        Action(
            "overturn",
            _("Overturn the ruling"),
            _("Ruling overturned"),
            "dispute.overturned",
            SUPERVISOR,
            fields=(
                *DECISION_FACTS,
                DECISION_REMEDY,
                REVIEW_OPINION,
                COMPENSATION,
                DEPARTURE_REASON,
            ),
            moves_money=True,
            done=_(
                "The ruling is overturned and the case is closed under the new "
                "decision; any refund in it is paid."
            ),
            essential=True,
        ),
        Action(
            "concede",
            _("Agree to the claim"),
            _("Merchant agreed to the claim"),
            "dispute.conceded",
            MERCHANT,
            moves_money=True,
            done=_(
                "You agreed to the claim. The platform stops handling it; a return "
                "or exchange goes on with the goods."
            ),
            essential=True,
            confirm=_(
                "Agree to the buyer's claim of %(amount)s? The platform stops "
                "handling the case; the buyer is refunded (after the goods are "
                "back, for a return)."
            ),
            confirm_amount="amount",
        ),
        Action(
            "decline_proposal",
            _("Decline the proposal"),
            _("Proposal declined"),
            "dispute.proposal_declined",
            PARTY_ROLES,
            fields=(NOTE,),
            done=_("You declined the proposal; the agent will propose again or rule."),
            tone="danger",
            essential=True,
            confirm=_(
                "Decline the platform's proposal of %(amount)s? It is withdrawn for "
                "both parties; the agent proposes again or rules."
            ),
            confirm_amount="proposal_amount",
        ),
        Action(
            "ship_return",
            _("Send the goods back"),
            _("Buyer sent the goods back"),
            "dispute.return_shipped",
            BUYER,
            fields=PARCEL,
            done=_("The return is on its way; the store confirms once it arrives."),
            essential=True,
        ),
        Action(
            "confirm_return",
            _("Confirm the returned goods arrived"),
            _("Merchant confirmed the return"),
            "dispute.return_confirmed",
            MERCHANT,
            moves_money=True,
            done=_("You confirmed the returned goods arrived."),
            essential=True,
            confirm=_(
                "Confirm the returned goods arrived? For a return, %(amount)s is "
                "refunded to the buyer now."
            ),
            confirm_amount="held_amount",
        ),
        Action(
            "refuse_return",
            _("Refuse the returned goods"),
            _("Merchant refused the return"),
            "dispute.return_refused",
            MERCHANT,
            fields=(
                Field(
                    "preset",
                    FieldType.CHOICE,
                    _("Why you refuse"),
                    choices=ReturnRefusal,
                ),
                Field(
                    "reason",
                    FieldType.TEXT,
                    _("Details for the platform"),
                    required=False,
                    help_text=_("Required when the reason is “Other”."),
                ),
            ),
            done=_(
                "You refused the returned goods; the platform will decide on the "
                "evidence."
            ),
            tone="danger",
            essential=True,
            confirm=_(
                "Refuse the returned goods? Upload photos or a video first: the "
                "platform decides on the evidence."
            ),
        ),
        Action(
            "ship_replacement",
            _("Send the replacement"),
            _("Merchant sent the replacement"),
            "dispute.replacement_shipped",
            MERCHANT,
            fields=PARCEL,
            done=_("The replacement is on its way; the buyer confirms it arrived."),
            essential=True,
        ),
        Action(
            "confirm_replacement",
            _("Confirm the replacement arrived"),
            _("Buyer confirmed the replacement"),
            "dispute.replacement_confirmed",
            BUYER,
            moves_money=True,  # a held amount (a resend agreed with money) is paid
            done=_("You confirmed the replacement arrived; the case is closed."),
            essential=True,
            confirm=_("Confirm the replacement arrived? The case closes."),
        ),
        Action(
            "lapse_return",
            _("Close: the goods were not sent back"),
            _("Closed (goods not sent back in time)"),
            "dispute.return_lapsed",
            None,
            service="dispute_goods_deadline",
            essential=True,
        ),
        Action(
            "auto_confirm_return",
            _("Take the return as received"),
            _("Return taken as received (store did not answer)"),
            "dispute.return_confirmed_automatically",
            None,
            moves_money=True,
            service="dispute_goods_deadline",
            essential=True,
        ),
        Action(
            "replacement_overdue",
            _("Send to the platform: no replacement sent"),
            _("Replacement not sent in time"),
            "dispute.replacement_overdue",
            None,
            service="dispute_goods_deadline",
            essential=True,
        ),
        Action(
            "auto_confirm_replacement",
            _("Take the replacement as received"),
            _("Replacement taken as received (buyer did not answer)"),
            "dispute.replacement_confirmed_automatically",
            None,
            moves_money=True,
            service="dispute_goods_deadline",
            essential=True,
        ),
        Action(
            "auto_escalate",
            _("Escalate to the platform"),
            _("Escalated (merchant silent)"),
            "dispute.escalated",
            None,
            service="dispute_handle_silent_merchant",
            essential=True,
        ),
        Action(
            "auto_refund",
            _("Refund automatically"),
            # The entry's note says why: a silent merchant, or a small claim on
            # an unshipped order under the policy's threshold.
            _("Refunded automatically"),
            "dispute.auto_refunded",
            None,
            moves_money=True,
            service="dispute_handle_silent_merchant",
            essential=True,
        ),
        Action(
            "auto_accept",
            _("Take the claim as accepted"),
            # A silent merchant on a return, exchange or resend, under the
            # policy that refunds silent merchants' buyers: the goods move
            # first (the note says what happens next, per remedy).
            _("Taken as accepted (merchant did not answer)"),
            "dispute.accepted_automatically",
            None,
            service="dispute_handle_silent_merchant",
            essential=True,
        ),
        Action(
            "close",
            _("Close after the appeal window"),
            _("Closed (appeal window passed)"),
            "dispute.closed",
            None,
            service="dispute_close_ruled",
            essential=True,
        ),
    )
}

EVENT_KINDS: dict[EventKindName, EventKind] = {
    EventKindName(k.name): k
    for k in (
        EventKind("open", _("Opened"), "dispute.opened", essential=True),
        EventKind("message", _("Message"), "dispute.message_posted"),
        EventKind("internal_note", _("Internal note")),
        EventKind("evidence", _("Evidence uploaded"), "dispute.evidence_uploaded"),
        EventKind(
            "evidence_timeout",
            _("Evidence request timed out"),
            "dispute.evidence_timed_out",
            essential=True,
        ),
        EventKind(
            "evidence_deadline",
            _("Evidence deadline passed"),
            "dispute.evidence_deadline_passed",
        ),
        EventKind("sla_warning", _("Agent target due soon")),
        EventKind("sla_breach", _("Agent target missed"), essential=True),
        EventKind("logistics", _("Parcel update"), "dispute.parcel_updated"),
        EventKind(
            "goods_warning",
            _("Goods step due soon"),
            "dispute.goods_step_due_soon",
            essential=True,
        ),
        # A case on a restricted store goes to the priority queue (internal).
        EventKind("priority_queue", _("Sent to the priority queue")),
    )
}

# Derived tables: read these, never restate them.
USER_ACTIONS: tuple[ActionName, ...] = tuple(
    n for n, a in ACTIONS.items() if a.for_users
)
ACTION_LABELS: dict[ActionName, Promise] = {n: a.label for n, a in ACTIONS.items()}
ACTION_ROLES: dict[ActionName, frozenset[Role] | None] = {
    n: a.roles for n, a in ACTIONS.items()
}
ACTION_TONES: dict[ActionName, str] = {n: a.tone for n, a in ACTIONS.items() if a.tone}
ACTION_DONE: dict[ActionName, Promise] = {
    n: a.done for n, a in ACTIONS.items() if a.done is not None
}
EVENT_LABELS: dict[str, Promise] = {
    **{n: k.past for n, k in EVENT_KINDS.items()},
    **{n: a.past for n, a in ACTIONS.items()},
}
EVENT_NAMES: dict[str, str] = {
    **{n: k.event for n, k in EVENT_KINDS.items() if k.event},
    **{n: a.event for n, a in ACTIONS.items()},
}
ESSENTIAL_MAIL: frozenset[str] = frozenset(
    [n for n, a in ACTIONS.items() if a.essential]
    + [n for n, k in EVENT_KINDS.items() if k.essential]
)
PORTAL_ACTIONS: tuple[ActionName, ...] = tuple(
    n for n, a in ACTIONS.items() if a.on_portal
)
ADMIN_ACTIONS: tuple[ActionName, ...] = tuple(
    n for n, a in ACTIONS.items() if a.on_admin
)

# Choices of the timeline's columns (DisputeEvent).
EVENT_ACTION_CHOICES: list[tuple[str, Promise]] = [
    (str(name), label) for name, label in EVENT_LABELS.items()
]
ACTOR_ROLE_CHOICES: list[tuple[str, Promise]] = [
    *Role.choices,
    (SYSTEM, _("system")),
]


def action_named(name: str) -> ActionName | None:
    """The action called `name` (from a URL or a request), None when none is."""
    try:
        return ActionName(name)
    except ValueError:
        return None


def event_label(name: str) -> str:
    """A timeline entry's wording in the reader's language."""
    label = EVENT_LABELS.get(name)
    return str(label) if label is not None else name.replace("_", " ")


# A refund's note is the code of the action that moved the money, or one of
# these (refund_note_label shows it in the reader's language).
REFUND_NOTES: dict[str, Promise] = {
    "mediated": _("Mediated settlement"),
    "ruling": _("Platform ruling"),
    "compensation": _("Platform compensation after appeal"),
    "ruling_compensation": _("Compensation awarded by the ruling"),
    "appeal_compensation": _("Compensation awarded on appeal"),
}


def refund_note_label(code: str) -> str:
    """What a refund was for, in the reader's language."""
    if code in REFUND_NOTES:
        return str(REFUND_NOTES[code])
    return event_label(code) if code in EVENT_LABELS else code
