"""The names of case actions and of the other timeline entries.

`disputes.actions` (the registry) re-exports them; code names an action by a
member, never by a string.
"""

from enum import StrEnum


class ActionName(StrEnum):
    """The name of each case action: API path, form, fsm method, timeline entry.

    One member per entry of `ACTIONS` (an entry named otherwise fails at
    import); code names actions by these members, never by strings.
    """

    ACCEPT = "accept"
    OFFER = "offer"
    ACCEPT_OFFER = "accept_offer"
    REJECT = "reject"
    REQUEST_INTERVENTION = "request_intervention"
    WITHDRAW = "withdraw"
    ESCALATE = "escalate"
    TAKE = "take"
    ASSIGN = "assign"
    START_MEDIATION = "start_mediation"
    PROPOSE = "propose"
    ACCEPT_PROPOSAL = "accept_proposal"
    REQUEST_EVIDENCE = "request_evidence"
    RULE = "rule"
    APPEAL = "appeal"
    UPHOLD = "uphold"
    OVERTURN = "overturn"
    # Goods (DESIGN.md "Goods as well as money").
    CONCEDE = "concede"
    DECLINE_PROPOSAL = "decline_proposal"
    SHIP_RETURN = "ship_return"
    CONFIRM_RETURN = "confirm_return"
    REFUSE_RETURN = "refuse_return"
    SHIP_REPLACEMENT = "ship_replacement"
    CONFIRM_REPLACEMENT = "confirm_replacement"
    LAPSE_RETURN = "lapse_return"
    AUTO_CONFIRM_RETURN = "auto_confirm_return"
    REPLACEMENT_OVERDUE = "replacement_overdue"
    AUTO_CONFIRM_REPLACEMENT = "auto_confirm_replacement"
    AUTO_ESCALATE = "auto_escalate"
    AUTO_REFUND = "auto_refund"
    AUTO_ACCEPT = "auto_accept"
    CLOSE = "close"


class EventKindName(StrEnum):
    """The name of each timeline entry that is not an action (`EVENT_KINDS`)."""

    OPEN = "open"
    MESSAGE = "message"
    INTERNAL_NOTE = "internal_note"
    EVIDENCE = "evidence"
    EVIDENCE_TIMEOUT = "evidence_timeout"
    EVIDENCE_DEADLINE = "evidence_deadline"
    SLA_WARNING = "sla_warning"
    SLA_BREACH = "sla_breach"
    LOGISTICS = "logistics"
    GOODS_WARNING = "goods_warning"
    PRIORITY_QUEUE = "priority_queue"


# What a timeline entry (`DisputeEvent.action`) is named by.
EntryName = ActionName | EventKindName
