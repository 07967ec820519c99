"""Every write to a case: one function per action (the only entry points).

The portal, the workbench and the API run actions through `perform` with the
action's typed input (`disputes.services.dispatch`).
"""

from ..actions import ACTION_ROLES, USER_ACTIONS
from ._core import (
    available_actions,
    case_action,
    check_action,
    refusal,
    refusals_explained,
)
from .appeals import dispute_appeal, dispute_overturn, dispute_uphold
from .deadlines import (
    apply_due_deadlines,
    dispute_close_ruled,
    dispute_handle_silent_merchant,
    evidence_request_expire,
)
from .dispatch import ACTION_INPUTS, ActionInput, action_inputs, perform
from .goods import (
    dispute_confirm_replacement,
    dispute_confirm_return,
    dispute_goods_deadline,
    dispute_goods_warn,
    dispute_refuse_return,
    dispute_ship_replacement,
    dispute_ship_return,
    logistics_event_record,
)
from .intake import dispute_escalate, dispute_open_for_buyer
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
    dispute_concede,
    dispute_decline_proposal,
    dispute_hand_over,
    dispute_propose,
    dispute_request_evidence,
    dispute_rule,
    dispute_start_mediation,
    dispute_take,
)
from .policies import policy_publish
from .queue import dispute_take_next
from .records import EvidenceFile, evidence_upload, message_post, rule_publish

__all__ = [
    "ACTION_INPUTS",
    "ACTION_ROLES",
    "USER_ACTIONS",
    "ActionInput",
    "EvidenceFile",
    "action_inputs",
    "apply_due_deadlines",
    "available_actions",
    "case_action",
    "check_action",
    "dispute_accept",
    "dispute_accept_offer",
    "dispute_accept_proposal",
    "dispute_appeal",
    "dispute_assign",
    "dispute_close_ruled",
    "dispute_concede",
    "dispute_confirm_replacement",
    "dispute_confirm_return",
    "dispute_decline_proposal",
    "dispute_escalate",
    "dispute_goods_deadline",
    "dispute_goods_warn",
    "dispute_hand_over",
    "dispute_handle_silent_merchant",
    "dispute_offer",
    "dispute_open",
    "dispute_open_for_buyer",
    "dispute_overturn",
    "dispute_propose",
    "dispute_refuse_return",
    "dispute_reject",
    "dispute_request_evidence",
    "dispute_request_intervention",
    "dispute_rule",
    "dispute_ship_replacement",
    "dispute_ship_return",
    "dispute_start_mediation",
    "dispute_take",
    "dispute_take_next",
    "dispute_uphold",
    "dispute_withdraw",
    "evidence_request_expire",
    "evidence_upload",
    "logistics_event_record",
    "macro_run",
    "message_post",
    "perform",
    "policy_publish",
    "refusal",
    "refusals_explained",
    "rule_publish",
]
