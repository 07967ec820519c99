"""The platform steps in: pick-up, assignment, mediation, evidence, ruling."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ActionNotPermitted, InvalidTransition, ValidationFailed
from core.roles import Role, role_of

from ..choices import Liability, Outcome, Party
from ..models import Dispute, EvidenceRequest, PlatformRule, Ruling
from ..policy import policy_for
from ..rules_pure import assigned_note, decision_note
from ._core import parse_amount, party_for, refund, require_text, run_action


def _handler(assignee: User | int | str | None) -> User:
    """An agent or supervisor, given as a user, an id or a username."""
    user = assignee
    if not isinstance(assignee, User):
        lookup = {"pk": assignee} if str(assignee).isdigit() else {"username": assignee}
        user = User.objects.filter(**lookup, is_active=True).first()
    if user is None or role_of(user) not in (Role.AGENT, Role.SUPERVISOR):
        raise ValidationFailed(
            _("Choose an active agent or supervisor."),
            errors={"assignee": [_("Not an agent or supervisor.")]},
        )
    return user


def dispute_take(
    *,
    dispute: Dispute | str,
    actor: User,
    assignee: User | int | str | None = None,
    **kw,
) -> Dispute:
    """An agent takes a complaint; a supervisor may assign it to anyone."""
    target = actor if assignee in (None, "") else _handler(assignee)
    if target.pk != actor.pk and role_of(actor) != Role.SUPERVISOR:
        raise ActionNotPermitted(_("Only supervisors assign cases to others."))

    def apply(case: Dispute) -> None:
        due = timezone.now() + policy_for(case.store.category).evidence
        case.take(assignee_id=target.pk, evidence_deadline_at=due)

    return run_action(
        dispute=dispute,
        actor=actor,
        action="take",
        apply=apply,
        note=assigned_note(target.username),
        **kw,
    )


def dispute_assign(
    *, dispute: Dispute | str, actor: User, assignee: User | int | str, **kw
) -> Dispute:
    """A supervisor reassigns a case under verification or mediation."""
    if assignee in (None, ""):
        raise ValidationFailed(
            _("Choose the agent."), errors={"assignee": [_("Required.")]}
        )
    target = _handler(assignee)

    def apply(case: Dispute) -> None:
        if case.assigned_to_id == target.pk:
            raise InvalidTransition(
                _("The case is already assigned to %(user)s.")
                % {"user": target.username}
            )
        case.assign(assignee_id=target.pk)

    return run_action(
        dispute=dispute,
        actor=actor,
        action="assign",
        apply=apply,
        note=_("Assigned to %(user)s") % {"user": target.username},
        **kw,
    )


def dispute_start_mediation(
    *, dispute: Dispute | str, actor: User, note: str = "", **kw
) -> Dispute:
    """The assigned agent moves from verification to mediation."""
    return run_action(
        dispute=dispute,
        actor=actor,
        action="start_mediation",
        apply=lambda case: case.start_mediation(),
        note=(note or "").strip(),
        **kw,
    )


def dispute_propose(
    *, dispute: Dispute | str, actor: User, amount: Decimal | str, note: str, **kw
) -> Dispute:
    """The agent proposes a settlement amount; both parties must accept it."""
    proposed = parse_amount(amount)
    text = require_text(note, field="note", label=_("A note explaining the proposal"))

    def apply(case: Dispute) -> None:
        if proposed > case.order.refundable:
            raise ValidationFailed(
                _("At most ¥%(max)s can still be refunded on this order.")
                % {"max": case.order.refundable},
                errors={"amount": [_("Too large.")]},
            )
        case.propose(amount=proposed, note=text)

    return run_action(
        dispute=dispute,
        actor=actor,
        action="propose",
        apply=apply,
        note=text,
        amount=proposed,
        **kw,
    )


def dispute_accept_proposal(*, dispute: Dispute | str, actor: User, **kw) -> Dispute:
    """A party accepts the proposal; once both have, it is refunded and closed."""

    def apply(case: Dispute) -> None:
        case.accept_proposal(party=party_for(case, actor))
        if not case.is_open:
            refund(case, case.proposal_amount, label="mediated")

    return run_action(
        dispute=dispute, actor=actor, action="accept_proposal", apply=apply, **kw
    )


def _due(value: datetime | str | None, default: datetime) -> datetime:
    if value in (None, ""):
        return default
    due = value if isinstance(value, datetime) else parse_datetime(str(value))
    if due is None:
        raise ValidationFailed(
            _("Enter a valid date and time."), errors={"due_at": [_("Invalid.")]}
        )
    if timezone.is_naive(due):
        due = timezone.make_aware(due)
    if due <= timezone.now():
        raise ValidationFailed(
            _("The due time must be in the future."),
            errors={"due_at": [_("Must be in the future.")]},
        )
    return due


def dispute_request_evidence(
    *,
    dispute: Dispute | str,
    actor: User,
    party: str,
    note: str,
    due_at: datetime | str | None = None,
    **kw,
) -> Dispute:
    """The agent asks one party for evidence by a due time (default 72 h)."""
    if party not in Party.values:
        raise ValidationFailed(
            _("Choose the buyer or the merchant."), errors={"party": [_("Invalid.")]}
        )
    what = require_text(note, field="note", label=_("What is needed"))

    def apply(case: Dispute) -> None:
        due = _due(due_at, timezone.now() + policy_for(case.store.category).evidence)
        request = EvidenceRequest.objects.create(
            dispute=case, party=party, what=what, due_at=due, requested_by=actor
        )
        extra["evidence_request"] = request
        case.request_evidence()

    extra: dict = {}
    return run_action(
        dispute=dispute,
        actor=actor,
        action="request_evidence",
        apply=apply,
        note=what,
        event_extra=extra,
        **kw,
    )


def rule_in_force(code: str) -> PlatformRule:
    rule = PlatformRule.objects.in_force().filter(code=code).first()
    if rule is None:
        raise ValidationFailed(
            _("Cite a platform rule in force."),
            errors={"rule": [_("Unknown rule “%(code)s”.") % {"code": code}]},
        )
    return rule


def check_decision(
    *, outcome: str, liability: str, amount: Decimal | str | None
) -> Decimal:
    """Validate an outcome, a liability and (for the buyer) an amount."""
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose buyer or merchant.")]
    if liability not in Liability.values:
        errors["liability"] = [_("Choose merchant, buyer, logistics or none.")]
    if errors:
        raise ValidationFailed(_("Check the decision."), errors=errors)
    if outcome == Outcome.BUYER:
        return parse_amount(amount)
    return Decimal("0.00")


def dispute_rule(
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
    """The agent rules citing a rule; a buyer win is refunded at once."""
    awarded = check_decision(outcome=outcome, liability=liability, amount=amount)
    text = require_text(reasoning, field="reasoning", label=_("Reasoning"))
    cited = rule_in_force(rule)

    def apply(case: Dispute) -> None:
        if awarded > case.order.refundable:
            raise ValidationFailed(
                _("At most ¥%(max)s can still be refunded on this order.")
                % {"max": case.order.refundable},
                errors={"amount": [_("Too large.")]},
            )
        window = policy_for(case.store.category).appeal_window
        case.rule(
            outcome=outcome,
            liability=liability,
            ruled_by_id=actor.pk,
            appeal_deadline_at=timezone.now() + window,
        )
        Ruling.objects.create(
            dispute=case,
            outcome=outcome,
            liability=liability,
            amount=awarded,
            rule=cited,
            reasoning=text,
            decided_by=actor,
        )
        if awarded:
            refund(case, awarded, label="ruling")

    return run_action(
        dispute=dispute,
        actor=actor,
        action="rule",
        apply=apply,
        note=decision_note(cited.code, cited.version, text),
        amount=awarded or None,
        **kw,
    )
