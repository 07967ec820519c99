"""Every write to a case: one function per action (the only entry points)."""

from ._core import ACTION_ROLES, USER_ACTIONS, available_actions, check_action
from .appeals import dispute_appeal, dispute_overturn, dispute_uphold
from .deadlines import (
    apply_due_deadlines,
    dispute_close_ruled,
    dispute_handle_silent_merchant,
    evidence_request_expire,
)
from .macros import macro_run
from .negotiation import (
    dispute_accept,
    dispute_accept_offer,
    dispute_offer,
    dispute_open,
    dispute_reject,
    dispute_request_intervention,
    dispute_withdraw,
)
from .platform import (
    dispute_accept_proposal,
    dispute_assign,
    dispute_propose,
    dispute_request_evidence,
    dispute_rule,
    dispute_start_mediation,
    dispute_take,
)
from .queue import dispute_take_next
from .records import evidence_upload, message_post, rule_publish

# The service behind each action name (pages, admin and API dispatch through it).
ACTION_SERVICES = {
    "accept": dispute_accept,
    "offer": dispute_offer,
    "accept_offer": dispute_accept_offer,
    "reject": dispute_reject,
    "request_intervention": dispute_request_intervention,
    "withdraw": dispute_withdraw,
    "take": dispute_take,
    "assign": dispute_assign,
    "start_mediation": dispute_start_mediation,
    "propose": dispute_propose,
    "accept_proposal": dispute_accept_proposal,
    "request_evidence": dispute_request_evidence,
    "rule": dispute_rule,
    "appeal": dispute_appeal,
    "uphold": dispute_uphold,
    "overturn": dispute_overturn,
}

__all__ = [
    "ACTION_ROLES",
    "ACTION_SERVICES",
    "USER_ACTIONS",
    "apply_due_deadlines",
    "available_actions",
    "check_action",
    "dispute_accept",
    "dispute_accept_offer",
    "dispute_accept_proposal",
    "dispute_appeal",
    "dispute_assign",
    "dispute_close_ruled",
    "dispute_handle_silent_merchant",
    "dispute_offer",
    "dispute_open",
    "dispute_overturn",
    "dispute_propose",
    "dispute_reject",
    "dispute_request_evidence",
    "dispute_request_intervention",
    "dispute_rule",
    "dispute_start_mediation",
    "dispute_take",
    "dispute_take_next",
    "dispute_uphold",
    "dispute_withdraw",
    "evidence_request_expire",
    "evidence_upload",
    "macro_run",
    "message_post",
    "rule_publish",
]
