"""Appeals: a party appeals once; a different supervisor upholds or overturns."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ValidationFailed

from ..actions import ActionName
from ..choices import GOODS_REMEDIES, Decision, Liability, Outcome, Remedy
from ..models import Appeal, Dispute, PlatformRule
from ..rules_pure import overturn_money
from ._core import (
    case_action,
    compensate_merchant,
    party_for,
    pay_held,
    refund,
    require_text,
)
from .compensation import check_compensation, compensation_due, compensation_top_up
from .consistency import check_departure
from .platform import check_decision_remedy, decision_amount


def dispute_appeal(
    *,
    dispute: Dispute,
    actor: User,
    reason: str,
    expected_version: int | None = None,
) -> Dispute:
    """A party appeals the ruling inside the window, once per case.

    Who and when is the `appeal` transition's rule, checked by `case_action`
    as for every action (and asked by `available_actions` for the pages and
    the API): a party of the case, from `ruled`, while the appeal window is
    open. Once per case follows from the lifecycle, not from a check here:
    an appeal leaves `ruled` for good (appeal → closed; nothing leads back,
    tests/disputes/test_appeal_once.py), and `Appeal.dispute` is one-to-one.
    """
    text = require_text(reason, field="reason", label=_("The reason for the appeal"))
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.APPEAL,
        expected_version=expected_version,
    ) as step:
        case = step.case
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
    text = require_text(reasoning, field="reasoning", label=_("A review opinion"))
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.UPHOLD,
        expected_version=expected_version,
    ) as step:
        case = step.case
        case.uphold(resume_step=case.return_step)
        appeal = case.appeal_record
        _decide(appeal, actor, Decision.UPHELD, text)
        appeal.save()
        # A failed goods leg decided for the buyer: the held refund is paid.
        paid = pay_held(case, label=ActionName.UPHOLD) if not case.is_open else None
        step.log(note=text, amount=paid)
    return case


def dispute_overturn(
    *,
    dispute: Dispute,
    actor: User,
    outcome: Outcome,
    liability: Liability,
    rule: PlatformRule,
    reasoning: str,
    amount: Decimal | None = None,
    remedy: Remedy | None = None,
    compensation: bool = False,
    departure_reason: str = "",
    expected_version: int | None = None,
) -> Dispute:
    """A supervisor replaces the ruling, compensation included; against the
    precedents' clear majority only with a `departure_reason`.

    Goods still travelling when the ruling was appealed go on under a buyer
    win whose remedy moves goods (its amount held until they are back); any
    other decision settles in money now. An appeal never starts a new goods
    leg.

    What the buyer is owed beyond what the ruling paid (a larger amount, more
    compensation), the merchant pays; nothing is clawed back from the buyer:
    what the ruling paid beyond the new decision, the platform pays back to
    the merchant (`rules_pure.overturn_money`).
    """
    check_decision_remedy(remedy)
    awarded = decision_amount(outcome=outcome, amount=amount, remedy=remedy)
    text = require_text(reasoning, field="reasoning", label=_("A review opinion"))
    check_compensation(rule=rule, outcome=outcome, wanted=compensation, case=dispute)
    departure = check_departure(case=dispute, outcome=outcome, reason=departure_reason)
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.OVERTURN,
        expected_version=expected_version,
    ) as step:
        case = step.case
        ruling = case.ruling
        if (outcome, liability, awarded, compensation) == (
            ruling.outcome,
            ruling.liability,
            ruling.amount,
            ruling.compensation_amount > 0,
        ):
            raise ValidationFailed(
                _("That decision is the ruling itself: uphold it instead."),
                errors={"outcome": [_("Nothing would change.")]},
            )
        goods_go_on = (
            bool(case.return_step)
            and (remedy or case.remedy) in GOODS_REMEDIES
            and case.goods_escalated_at is None
        )
        if remedy is not None:
            case.remedy = remedy
        appeal = case.appeal_record
        _decide(appeal, actor, Decision.OVERTURNED, text)
        appeal.outcome, appeal.liability, appeal.rule = outcome, liability, rule
        appeal.amount, appeal.remedy = awarded, remedy or ""
        for name, value in departure.fields().items():
            setattr(appeal, name, value)
        due = compensation_due(
            rule=rule, amount=awarded, wanted=compensation, case=case
        )
        appeal.buyer_compensation_amount = due
        money = overturn_money(
            outcome=outcome,
            awarded=awarded,
            refunded=case.refunded_amount,
            compensation_due=due,
            compensation_paid=ruling.compensation_amount,
        )
        resume = case.return_step if goods_go_on else ""
        case.overturn(
            outcome=outcome, liability=liability, resume_step=resume,
            held=money.refund,
        )  # fmt: skip
        if not case.is_open:
            case.held_amount = None  # the new decision replaces what was held
        if money.refund and not case.held_amount:
            refund(case, money.refund, label=ActionName.OVERTURN)
        if money.buyer_compensation:
            compensation_top_up(case=case, amount=money.buyer_compensation)
        if money.platform_compensation:
            compensate_merchant(case, money.platform_compensation, label="compensation")
            appeal.compensation_amount = money.platform_compensation
        to_buyer = money.refund + money.buyer_compensation
        moved = to_buyer or money.platform_compensation or None
        appeal.save()
        step.log(note=text, amount=moved)
    return case
