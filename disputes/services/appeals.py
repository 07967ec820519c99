"""Appeals: a party appeals once; a different supervisor upholds or overturns."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import InvalidTransition, ValidationFailed

from ..choices import Decision, Liability, Outcome
from ..models import Appeal, Dispute, PlatformRule
from ..rules_pure import decision_note, overturn_money
from ._core import (
    case_action,
    compensate_merchant,
    party_for,
    refund,
    require_text,
)
from .platform import decision_amount


def dispute_appeal(
    *,
    dispute: Dispute,
    actor: User,
    reason: str,
    expected_version: int | None = None,
) -> Dispute:
    """A party appeals the ruling inside the window, once per case."""
    text = require_text(reason, field="reason", label=_("The reason for the appeal"))
    with case_action(
        dispute=dispute, actor=actor, action="appeal", expected_version=expected_version
    ) as step:
        case = step.case
        if Appeal.objects.filter(dispute=case).exists():
            raise InvalidTransition(_("A case can be appealed only once."))
        party = party_for(case, actor)
        case.appeal()
        Appeal.objects.create(dispute=case, appellant=actor, party=party, reason=text)
        step.log(note=text)
    return case


def _decide(appeal: Appeal, actor: User, decision: Decision, reasoning: str) -> None:
    appeal.decision = decision
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.reasoning = reasoning


def dispute_uphold(
    *,
    dispute: Dispute,
    actor: User,
    reasoning: str,
    expected_version: int | None = None,
) -> Dispute:
    """A supervisor other than the ruling agent confirms the ruling."""
    text = require_text(reasoning, field="reasoning", label=_("Reasoning"))
    with case_action(
        dispute=dispute, actor=actor, action="uphold", expected_version=expected_version
    ) as step:
        step.case.uphold()
        appeal = step.case.appeal_record
        _decide(appeal, actor, Decision.UPHELD, text)
        appeal.save()
        step.log(note=text)
    return step.case


def dispute_overturn(
    *,
    dispute: Dispute,
    actor: User,
    outcome: Outcome,
    liability: Liability,
    rule: PlatformRule,
    reasoning: str,
    amount: Decimal | None = None,
    expected_version: int | None = None,
) -> Dispute:
    """A supervisor replaces the ruling.

    A larger buyer amount refunds the difference; a merchant win after a
    refund claws nothing back: the platform compensates the merchant.
    """
    awarded = decision_amount(outcome=outcome, amount=amount)
    text = require_text(reasoning, field="reasoning", label=_("Reasoning"))
    with case_action(
        dispute=dispute,
        actor=actor,
        action="overturn",
        expected_version=expected_version,
    ) as step:
        case = step.case
        ruling = case.ruling
        if (outcome, liability, awarded) == (
            ruling.outcome,
            ruling.liability,
            ruling.amount,
        ):
            raise ValidationFailed(
                _("That decision is the ruling itself: uphold it instead."),
                errors={"outcome": [_("Nothing would change.")]},
            )
        case.overturn(outcome=outcome, liability=liability)
        appeal = case.appeal_record
        _decide(appeal, actor, Decision.OVERTURNED, text)
        appeal.outcome, appeal.liability, appeal.rule = outcome, liability, rule
        appeal.amount = awarded
        difference, compensation = overturn_money(
            outcome=outcome, awarded=awarded, refunded=case.refunded_amount
        )
        moved: Decimal | None = None
        if difference:
            refund(case, difference, label="overturn")
            moved = difference
        elif compensation:
            compensate_merchant(case, compensation, label="compensation")
            appeal.compensation_amount = compensation
            moved = compensation
        appeal.save()
        step.log(note=decision_note(rule.code, rule.version, text), amount=moved)
    return case
