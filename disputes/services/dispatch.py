"""The one typed entry the portal, the workbench and the API run actions through.

An edge parses a request into the action's input — one frozen dataclass per
user action whose fields are the registry entry's fields, in their domain
types — and calls `perform`::

    inputs = action_inputs(ActionName.OFFER, form.cleaned_data)
    perform(inputs, dispute=case, actor=user, expected_version=version)

or, where the action is known in code, builds the input itself
(`perform(OfferInput(amount=amount), dispute=case, actor=user)`), which mypy
checks field by field. Each input's `run` calls its service with every
argument named, so mypy checks every input against its service's signature;
`tests/disputes/test_actions_registry.py` holds the inputs equal to the
registry's fields and the services' defaults.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from accounts.models import User
from orders.carriers import Carrier

from ..actions import ACTIONS, ActionName, FieldType
from ..choices import Liability, Outcome, Party, RejectionPreset, Remedy, ReturnRefusal
from ..models import Dispute, PlatformRule
from .appeals import dispute_appeal, dispute_overturn, dispute_uphold
from .goods import (
    dispute_confirm_replacement,
    dispute_confirm_return,
    dispute_refuse_return,
    dispute_ship_replacement,
    dispute_ship_return,
)
from .intake import dispute_escalate
from .negotiation import (
    dispute_accept,
    dispute_accept_offer,
    dispute_offer,
    dispute_reject,
    dispute_request_intervention,
    dispute_withdraw,
)
from .platform import (
    dispute_accept_proposal,
    dispute_assign,
    dispute_concede,
    dispute_decline_proposal,
    dispute_propose,
    dispute_request_evidence,
    dispute_rule,
    dispute_start_mediation,
    dispute_take,
)


@dataclass(frozen=True, kw_only=True)
class ActionInput(ABC):
    """What one user action needs besides the case, the actor and the version."""

    action: ClassVar[ActionName]

    @abstractmethod
    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        """Call the action's service, naming every argument."""


@dataclass(frozen=True, kw_only=True)
class AcceptInput(ActionInput):
    action = ActionName.ACCEPT

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_accept(
            dispute=dispute, actor=actor, expected_version=expected_version
        )


@dataclass(frozen=True, kw_only=True)
class OfferInput(ActionInput):
    action = ActionName.OFFER
    amount: Decimal
    note: str = ""

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_offer(
            dispute=dispute,
            actor=actor,
            amount=self.amount,
            note=self.note,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class AcceptOfferInput(ActionInput):
    action = ActionName.ACCEPT_OFFER

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_accept_offer(
            dispute=dispute, actor=actor, expected_version=expected_version
        )


@dataclass(frozen=True, kw_only=True)
class RejectInput(ActionInput):
    action = ActionName.REJECT
    preset: RejectionPreset | None = None
    reason: str = ""

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_reject(
            dispute=dispute,
            actor=actor,
            preset=self.preset,
            reason=self.reason,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class RequestInterventionInput(ActionInput):
    action = ActionName.REQUEST_INTERVENTION
    note: str = ""

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_request_intervention(
            dispute=dispute,
            actor=actor,
            note=self.note,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class WithdrawInput(ActionInput):
    action = ActionName.WITHDRAW
    note: str = ""

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_withdraw(
            dispute=dispute,
            actor=actor,
            note=self.note,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class EscalateInput(ActionInput):
    action = ActionName.ESCALATE
    party: Party
    note: str = ""

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_escalate(
            dispute=dispute,
            actor=actor,
            party=self.party,
            note=self.note,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class TakeInput(ActionInput):
    action = ActionName.TAKE
    assignee: User | None = None

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_take(
            dispute=dispute,
            actor=actor,
            assignee=self.assignee,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class AssignInput(ActionInput):
    action = ActionName.ASSIGN
    assignee: User

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_assign(
            dispute=dispute,
            actor=actor,
            assignee=self.assignee,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class StartMediationInput(ActionInput):
    action = ActionName.START_MEDIATION
    note: str = ""

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_start_mediation(
            dispute=dispute,
            actor=actor,
            note=self.note,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class ProposeInput(ActionInput):
    action = ActionName.PROPOSE
    amount: Decimal
    note: str

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_propose(
            dispute=dispute,
            actor=actor,
            amount=self.amount,
            note=self.note,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class AcceptProposalInput(ActionInput):
    action = ActionName.ACCEPT_PROPOSAL

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_accept_proposal(
            dispute=dispute, actor=actor, expected_version=expected_version
        )


@dataclass(frozen=True, kw_only=True)
class RequestEvidenceInput(ActionInput):
    action = ActionName.REQUEST_EVIDENCE
    party: Party
    note: str
    due_at: datetime | None = None

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_request_evidence(
            dispute=dispute,
            actor=actor,
            party=self.party,
            note=self.note,
            due_at=self.due_at,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class _DecisionInput(ActionInput):
    """The inputs of a decision (a ruling, or an overturn on appeal)."""

    outcome: Outcome
    liability: Liability
    amount: Decimal | None = None
    remedy: Remedy | None = None
    rule: PlatformRule
    reasoning: str
    compensation: bool = False
    departure_reason: str = ""


@dataclass(frozen=True, kw_only=True)
class RuleInput(_DecisionInput):
    action = ActionName.RULE

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_rule(
            dispute=dispute,
            actor=actor,
            outcome=self.outcome,
            liability=self.liability,
            amount=self.amount,
            remedy=self.remedy,
            rule=self.rule,
            reasoning=self.reasoning,
            compensation=self.compensation,
            departure_reason=self.departure_reason,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class AppealInput(ActionInput):
    action = ActionName.APPEAL
    reason: str

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_appeal(
            dispute=dispute,
            actor=actor,
            reason=self.reason,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class UpholdInput(ActionInput):
    action = ActionName.UPHOLD
    reasoning: str

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_uphold(
            dispute=dispute,
            actor=actor,
            reasoning=self.reasoning,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class OverturnInput(_DecisionInput):
    action = ActionName.OVERTURN

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_overturn(
            dispute=dispute,
            actor=actor,
            outcome=self.outcome,
            liability=self.liability,
            amount=self.amount,
            remedy=self.remedy,
            rule=self.rule,
            reasoning=self.reasoning,
            compensation=self.compensation,
            departure_reason=self.departure_reason,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class ConcedeInput(ActionInput):
    action = ActionName.CONCEDE

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_concede(
            dispute=dispute, actor=actor, expected_version=expected_version
        )


@dataclass(frozen=True, kw_only=True)
class DeclineProposalInput(ActionInput):
    action = ActionName.DECLINE_PROPOSAL
    note: str = ""

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_decline_proposal(
            dispute=dispute,
            actor=actor,
            note=self.note,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class ShipReturnInput(ActionInput):
    action = ActionName.SHIP_RETURN
    carrier: Carrier
    tracking_number: str

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_ship_return(
            dispute=dispute,
            actor=actor,
            carrier=self.carrier,
            tracking_number=self.tracking_number,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class ConfirmReturnInput(ActionInput):
    action = ActionName.CONFIRM_RETURN

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_confirm_return(
            dispute=dispute, actor=actor, expected_version=expected_version
        )


@dataclass(frozen=True, kw_only=True)
class RefuseReturnInput(ActionInput):
    action = ActionName.REFUSE_RETURN
    preset: ReturnRefusal
    reason: str = ""

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_refuse_return(
            dispute=dispute,
            actor=actor,
            preset=self.preset,
            reason=self.reason,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class ShipReplacementInput(ActionInput):
    action = ActionName.SHIP_REPLACEMENT
    carrier: Carrier
    tracking_number: str

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_ship_replacement(
            dispute=dispute,
            actor=actor,
            carrier=self.carrier,
            tracking_number=self.tracking_number,
            expected_version=expected_version,
        )


@dataclass(frozen=True, kw_only=True)
class ConfirmReplacementInput(ActionInput):
    action = ActionName.CONFIRM_REPLACEMENT

    def run(
        self, *, dispute: Dispute, actor: User, expected_version: int | None
    ) -> Dispute:
        return dispute_confirm_replacement(
            dispute=dispute, actor=actor, expected_version=expected_version
        )


# The input of each action a person runs (the system's own actions, run by
# the deadline sweep, have none).
ACTION_INPUTS: dict[ActionName, type[ActionInput]] = {
    cls.action: cls
    for cls in (
        AcceptInput,
        OfferInput,
        AcceptOfferInput,
        RejectInput,
        RequestInterventionInput,
        WithdrawInput,
        EscalateInput,
        TakeInput,
        AssignInput,
        StartMediationInput,
        ProposeInput,
        AcceptProposalInput,
        RequestEvidenceInput,
        RuleInput,
        AppealInput,
        UpholdInput,
        OverturnInput,
        ConcedeInput,
        DeclineProposalInput,
        ShipReturnInput,
        ConfirmReturnInput,
        RefuseReturnInput,
        ShipReplacementInput,
        ConfirmReplacementInput,
    )
}


def action_inputs(action: ActionName, data: Mapping[str, Any]) -> ActionInput:
    """The input of `action` from an edge's parsed data (a form's `cleaned_data`,
    a serializer's `validated_data`).

    Blank optional inputs are left out (the input's default applies); a choice
    becomes its enum member. Unknown keys (`version`) are ignored.
    """
    values: dict[str, Any] = {}
    for spec in ACTIONS[action].fields:
        value = data.get(spec.name)
        if value is None or value == "":
            continue
        if spec.kind is FieldType.CHOICE and spec.choices is not None:
            value = spec.choices(value)
        values[spec.name] = value
    return ACTION_INPUTS[action](**values)


def perform(
    inputs: ActionInput,
    *,
    dispute: Dispute,
    actor: User,
    expected_version: int | None = None,
) -> Dispute:
    """Run one user action on the case through its service; returns the case.

    `inputs` names the action; `expected_version` (the version the user saw)
    refuses the action with 409 when the case changed since.
    """
    return inputs.run(dispute=dispute, actor=actor, expected_version=expected_version)
