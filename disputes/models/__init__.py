"""A dispute case, its lifecycle (django-fsm) and its records."""

from .case import Dispute, new_case_number
from .decisions import Appeal, PlatformRule, PlatformRuleQuerySet, Ruling
from .goods import ClaimedItem, LogisticsEvent, Shipment
from .policy import PolicyVersion
from .quality import SCORECARD, QualityReview, ReviewReason
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
    "SCORECARD",
    "Appeal",
    "CannedReply",
    "ClaimedItem",
    "Dispute",
    "DisputeEvent",
    "Evidence",
    "EvidenceRequest",
    "LogisticsEvent",
    "Macro",
    "Message",
    "PlatformRule",
    "PlatformRuleQuerySet",
    "PolicyVersion",
    "QualityReview",
    "ReasoningTemplate",
    "ReviewReason",
    "Ruling",
    "Shipment",
    "evidence_path",
    "new_case_number",
]
