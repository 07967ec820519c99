"""Appeals: a party appeals once; a different supervisor upholds or overturns."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import InvalidTransition, ValidationFailed

from ..choices import Decision
from ..models import Appeal, Dispute
from ..rules_pure import decision_note, overturn_money
from ._core import compensate_merchant, party_for, refund, require_text, run_action
from .platform import check_decision, rule_in_force


def dispute_appeal(
    *, dispute: Dispute | str, actor: User, reason: str, **kw
) -> Dispute:
    """A party appeals the ruling inside the window, once per case."""
    text = require_text(reason, field="reason", label=_("The reason for the appeal"))

    def apply(case: Dispute) -> None:
        if Appeal.objects.filter(dispute=case).exists():
            raise InvalidTransition(_("A case can be appealed only once."))
        party = party_for(case, actor)
        case.appeal()
        Appeal.objects.create(dispute=case, appellant=actor, party=party, reason=text)

    return run_action(
        dispute=dispute, actor=actor, action="appeal", apply=apply, note=text, **kw
    )


def _decide(appeal: Appeal, actor: User, decision: str, reasoning: str) -> None:
    appeal.decision = decision
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.reasoning = reasoning


def dispute_uphold(
    *, dispute: Dispute | str, actor: User, reasoning: str, **kw
) -> Dispute:
    """A supervisor other than the ruling agent confirms the ruling."""
    text = require_text(reasoning, field="reasoning", label=_("Reasoning"))

    def apply(case: Dispute) -> None:
        case.uphold()
        appeal = case.appeal_record
        _decide(appeal, actor, Decision.UPHELD, text)
        appeal.save()

    return run_action(
        dispute=dispute, actor=actor, action="uphold", apply=apply, note=text, **kw
    )


def dispute_overturn(
    *,
    dispute: Dispute | str,
    actor: User,
    outcome: str,
    liability: str,
    rule: str,
    reasoning: str,
    amount: Decimal | str | None = None,
    **kw,
) -> Dispute:
    """A supervisor replaces the ruling.

    A larger buyer amount refunds the difference; a merchant win after a
    refund claws nothing back: the platform compensates the merchant.
    """
    awarded = check_decision(outcome=outcome, liability=liability, amount=amount)
    text = require_text(reasoning, field="reasoning", label=_("Reasoning"))
    cited = rule_in_force(rule)
    extra: dict[str, Decimal] = {}

    def apply(case: Dispute) -> None:
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
        appeal.outcome, appeal.liability, appeal.rule = outcome, liability, cited
        appeal.amount = awarded
        difference, compensation = overturn_money(
            outcome=outcome, awarded=awarded, refunded=case.refunded_amount
        )
        if difference:
            refund(case, difference, label="overturn")
            extra["amount"] = difference
        elif compensation:
            compensate_merchant(case, compensation, label="compensation")
            appeal.compensation_amount = compensation
            extra["amount"] = compensation
        appeal.save()

    return run_action(
        dispute=dispute,
        actor=actor,
        action="overturn",
        apply=apply,
        note=decision_note(cited.code, cited.version, text),
        event_extra=extra,
        **kw,
    )
