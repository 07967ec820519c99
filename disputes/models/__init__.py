"""A dispute case, its lifecycle (django-fsm) and its records."""

from .case import Dispute, new_case_number
from .decisions import Appeal, PlatformRule, PlatformRuleQuerySet, Ruling
from .policy import PolicyVersion
from .records import (
    CannedReply,
    DisputeEvent,
    Evidence,
    EvidenceRequest,
    Message,
    evidence_path,
)
from .tools import Macro, ReasoningTemplate

__all__ = [
    "Appeal",
    "CannedReply",
    "Dispute",
    "DisputeEvent",
    "Evidence",
    "EvidenceRequest",
    "Macro",
    "Message",
    "PlatformRule",
    "PlatformRuleQuerySet",
    "PolicyVersion",
    "ReasoningTemplate",
    "Ruling",
    "evidence_path",
    "new_case_number",
]
