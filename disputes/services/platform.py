"""The platform steps in: pick-up, assignment, mediation, evidence, ruling."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ActionNotPermitted, InvalidTransition, ValidationFailed
from core.roles import PLATFORM_ROLES, Role, role_of
from orders.services import check_refundable

from ..actions import ActionName
from ..choices import NO_AMOUNT_REMEDIES, Liability, Outcome, Party, Remedy, State
from ..models import Dispute, EvidenceRequest, PlatformRule, Ruling
from ..policy import case_policy
from ._core import (
    case_action,
    limit_text,
    party_for,
    refund,
    require_positive,
    require_text,
    transition_for,
)
from .compensation import check_compensation, compensation_award
from .consistency import check_departure


def check_handler(user: User) -> None:
    """Cases go to active agents and supervisors only."""
    if not user.is_active or role_of(user) not in PLATFORM_ROLES:
        raise ValidationFailed(
            _("Choose an active agent or supervisor."),
            errors={"assignee": [_("Not an agent or supervisor.")]},
        )


def dispute_take(
    *,
    dispute: Dispute,
    actor: User,
    assignee: User | None = None,
    expected_version: int | None = None,
) -> Dispute:
    """An agent takes a complaint; a supervisor may assign it to anyone."""
    target = actor
    if assignee is not None:
        check_handler(assignee)
        target = assignee
    if target.pk != actor.pk and role_of(actor) != Role.SUPERVISOR:
        raise ActionNotPermitted(_("Only supervisors assign cases to others."))
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.TAKE,
        expected_version=expected_version,
    ) as step:
        due = timezone.now() + case_policy(step.case).evidence
        step.case.take(assignee_id=target.pk, evidence_deadline_at=due)
        step.log(subject=target)
    return step.case


def dispute_assign(
    *,
    dispute: Dispute,
    actor: User,
    assignee: User,
    expected_version: int | None = None,
) -> Dispute:
    """A supervisor reassigns a case under verification or mediation."""
    check_handler(assignee)
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.ASSIGN,
        expected_version=expected_version,
    ) as step:
        if step.case.assigned_to_id == assignee.pk:
            raise InvalidTransition(
                _("The case is already assigned to %(user)s.")
                % {"user": assignee.username}
            )
        step.case.assign(assignee_id=assignee.pk)
        step.log(subject=assignee)
    return step.case


def hand_over_action(case: Dispute) -> str:
    """How a case reaches an agent now: "take" while the complaint waits,
    "assign" once it was taken (each transition's own source states decide;
    in any other state "assign", whose service says why it is refused)."""
    if transition_for("take", case.state) is not None:
        return "take"
    return "assign"


def dispute_hand_over(*, dispute: Dispute, actor: User, assignee: User) -> Dispute:
    """Put the case in `assignee`'s hands: take a waiting complaint for them,
    or reassign a case already taken (`hand_over_action` decides which)."""
    if hand_over_action(dispute) == "take":
        return dispute_take(dispute=dispute, actor=actor, assignee=assignee)
    return dispute_assign(dispute=dispute, actor=actor, assignee=assignee)


def dispute_start_mediation(
    *,
    dispute: Dispute,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
) -> Dispute:
    """The assigned agent moves from verification to mediation."""
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.START_MEDIATION,
        expected_version=expected_version,
    ) as step:
        step.case.start_mediation()
        step.log(note=note.strip())
    return step.case


def dispute_propose(
    *,
    dispute: Dispute,
    actor: User,
    amount: Decimal,
    note: str,
    expected_version: int | None = None,
) -> Dispute:
    """The agent proposes a settlement amount; both parties must accept it."""
    require_positive(amount)
    text = require_text(note, field="note", label=_("A note explaining the proposal"))
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.PROPOSE,
        expected_version=expected_version,
    ) as step:
        check_refundable(step.case.order, amount)
        step.case.propose(amount=amount, note=text)
        step.log(note=text, amount=amount)
    return step.case


def dispute_accept_proposal(
    *, dispute: Dispute, actor: User, expected_version: int | None = None
) -> Dispute:
    """A party accepts the proposal; once both have, it is refunded and closed."""
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.ACCEPT_PROPOSAL,
        expected_version=expected_version,
    ) as step:
        case = step.case
        case.accept_proposal(party=party_for(case, actor))
        if not case.is_open and case.proposal_amount is not None:
            refund(case, case.proposal_amount, label="mediated")
    return case


def dispute_decline_proposal(
    *,
    dispute: Dispute,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
) -> Dispute:
    """A party declines the proposal (不接受): it is withdrawn for both; the
    agent proposes again or rules."""
    text = limit_text(note, field="note", most=2000)
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.DECLINE_PROPOSAL,
        expected_version=expected_version,
    ) as step:
        amount = step.case.proposal_amount
        step.case.decline_proposal()
        step.log(note=text, amount=amount)
    return step.case


def dispute_concede(
    *, dispute: Dispute, actor: User, expected_version: int | None = None
) -> Dispute:
    """The merchant agrees to the claim while the platform is involved: it
    settles like `accept` (refunded now, or once the goods are back)."""
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.CONCEDE,
        expected_version=expected_version,
    ) as step:
        case = step.case
        check_refundable(case.order, case.amount)
        case.concede()
        if not case.is_open and case.amount > 0:
            refund(case, case.amount, label=ActionName.CONCEDE)
        step.log(amount=case.amount if case.amount > 0 else None)
    return case


def dispute_request_evidence(
    *,
    dispute: Dispute,
    actor: User,
    party: Party,
    note: str,
    due_at: datetime | None = None,
    expected_version: int | None = None,
) -> Dispute:
    """The agent asks one party for evidence by a due time (default: the
    evidence deadline of the case's policy)."""
    what = require_text(note, field="note", label=_("What is needed"))
    if due_at is not None and due_at <= timezone.now():
        raise ValidationFailed(
            _("The due time must be in the future."),
            errors={"due_at": [_("Must be in the future.")]},
        )
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.REQUEST_EVIDENCE,
        expected_version=expected_version,
    ) as step:
        default = timezone.now() + case_policy(step.case).evidence
        request = EvidenceRequest.objects.create(
            dispute=step.case,
            party=party,
            what=what,
            due_at=due_at or default,
            requested_by=actor,
        )
        step.case.request_evidence()
        step.log(note=what, evidence_request=request)
    return step.case


def decision_amount(
    *, outcome: Outcome, amount: Decimal | None, remedy: Remedy | None = None
) -> Decimal:
    """What the buyer gets under a decision: an amount when the buyer wins, else 0
    (an exchange or a resend may carry none: the goods move instead)."""
    if outcome != Outcome.BUYER:
        return Decimal("0.00")
    if remedy in NO_AMOUNT_REMEDIES and not amount:
        return Decimal("0.00")
    if amount is None:
        raise ValidationFailed(
            _("Enter the amount the buyer gets."),
            errors={"amount": [_("Enter the amount the buyer gets.")]},
        )
    return require_positive(amount)


def check_decision_remedy(remedy: Remedy | None) -> None:
    """A decision's remedy moves money or goods; compensation is the rule's."""
    if remedy == Remedy.COMPENSATION:
        raise ValidationFailed(
            _("Compensation is awarded through the rule, not as a remedy."),
            errors={"remedy": [_("Choose how the buyer is made whole.")]},
        )


def dispute_rule(
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
    """The agent rules citing a rule in force; a buyer win is refunded at once,
    and compensation is added where the rule provides it and it is awarded.

    A buyer win whose `remedy` moves goods (return and refund, exchange,
    resend) goes to `returning` at once and its amount is held until the
    goods are back; the appeal window runs meanwhile (docs/actions.md).
    A ruling against the precedents' clear majority needs `departure_reason`
    (`services.consistency`)."""
    check_decision_remedy(remedy)
    awarded = decision_amount(outcome=outcome, amount=amount, remedy=remedy)
    text = require_text(reasoning, field="reasoning", label=_("Reasoning"))
    check_compensation(rule=rule, outcome=outcome, wanted=compensation, case=dispute)
    departure = check_departure(case=dispute, outcome=outcome, reason=departure_reason)
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.RULE,
        expected_version=expected_version,
    ) as step:
        case = step.case
        window = case_policy(case).appeal_window
        if awarded:
            check_refundable(case.order, awarded)
        case.rule(
            outcome=outcome,
            liability=liability,
            ruled_by_id=actor.pk,
            appeal_deadline_at=timezone.now() + window,
            remedy=remedy,
            held=awarded,
        )
        ruling = Ruling.objects.create(
            dispute=case,
            outcome=outcome,
            liability=liability,
            amount=awarded,
            remedy=remedy or "",
            rule=rule,
            reasoning=text,
            decided_by=actor,
            **departure.fields(),
        )
        if awarded and case.state != State.RETURNING:
            refund(case, awarded, label="ruling")
        if compensation:
            compensation_award(case=case, ruling=ruling)
        step.log(note=text, amount=awarded or None)
    return case
