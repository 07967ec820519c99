"""The machinery every case action shares: lock, check, transition, log, notify."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.models import User
from accounts.scoping import can_see_dispute, party_of
from core.errors import (
    ActionNotPermitted,
    ConcurrentChange,
    InvalidTransition,
    NotVisible,
    ValidationFailed,
)
from core.roles import Role, role_of
from orders.models import RefundKind
from orders.services import refund_create

from ..choices import ACTION_LABELS, RequestStatus, State
from ..models import Appeal, Dispute, DisputeEvent, EvidenceRequest
from ..policy import Policy, policy_for
from ..rules_pure import deadline_for, refund_key
from ..sla import sla_refresh
from .events import event_publish

# Which roles may ever run an action; None means the system (deadlines) only.
ACTION_ROLES: dict[str, frozenset[str] | None] = {
    "accept": frozenset({Role.MERCHANT}),
    "offer": frozenset({Role.MERCHANT}),
    "accept_offer": frozenset({Role.BUYER}),
    "reject": frozenset({Role.MERCHANT}),
    "request_intervention": frozenset({Role.BUYER, Role.MERCHANT}),
    "withdraw": frozenset({Role.BUYER}),
    "take": frozenset({Role.AGENT, Role.SUPERVISOR}),
    "assign": frozenset({Role.SUPERVISOR}),
    "start_mediation": frozenset({Role.AGENT, Role.SUPERVISOR}),
    "propose": frozenset({Role.AGENT, Role.SUPERVISOR}),
    "accept_proposal": frozenset({Role.BUYER, Role.MERCHANT}),
    "request_evidence": frozenset({Role.AGENT, Role.SUPERVISOR}),
    "rule": frozenset({Role.AGENT, Role.SUPERVISOR}),
    "appeal": frozenset({Role.BUYER, Role.MERCHANT}),
    "uphold": frozenset({Role.SUPERVISOR}),
    "overturn": frozenset({Role.SUPERVISOR}),
    "auto_escalate": None,
    "auto_refund": None,
    "close": None,
}
USER_ACTIONS = tuple(name for name, roles in ACTION_ROLES.items() if roles)

_TRACKED_FIELDS = [
    f.attname for f in Dispute._meta.concrete_fields if f.name not in ("id",)
]


def lock_case(dispute: Dispute | str) -> Dispute:
    """Fetch the case row locked for update (inside the caller's transaction)."""
    qs = Dispute.objects.select_for_update(of=("self",)).select_related(
        "store__category", "order"
    )
    try:
        if isinstance(dispute, Dispute):
            return qs.get(pk=dispute.pk)
        return qs.get(number=dispute)
    except Dispute.DoesNotExist as exc:
        raise NotVisible(_("No such case.")) from exc


def check_action(case: Dispute, actor: User | None, action: str) -> None:
    """Raise the right error unless `actor` may run `action` on `case` now."""
    roles = ACTION_ROLES[action]
    if actor is not None:
        if not can_see_dispute(actor, case):
            raise NotVisible(_("No such case."))
        if roles is None or role_of(actor) not in roles:
            raise ActionNotPermitted(
                _("Your role may not do this: %(action)s.")
                % {"action": ACTION_LABELS[action]}
            )
    elif roles is not None:
        raise ActionNotPermitted(_("This action needs a user."))
    method = getattr(case, action)
    if not can_proceed(method, check_conditions=False):
        raise InvalidTransition(
            _("“%(action)s” is not available while the case is in %(state)s.")
            % {"action": ACTION_LABELS[action], "state": case.get_state_display()}
        )
    meta = method._django_fsm
    transition = meta.get_transition(case.state)
    for condition in transition.conditions:
        if not condition(case):
            raise InvalidTransition(
                str(getattr(condition, "message", _("Not available now.")))
            )
    if action == "accept_proposal" and _accepted_already(case, actor):
        raise InvalidTransition(_("You have already accepted this proposal."))
    if not transition.has_perm(case, actor):
        raise ActionNotPermitted(
            _("You may not do this on this case: %(action)s.")
            % {"action": ACTION_LABELS[action]}
        )


def _accepted_already(case: Dispute, actor: User | None) -> bool:
    party = party_of(actor, case) if actor is not None else None
    if party == "buyer":
        return case.proposal_buyer_accepted_at is not None
    if party == "merchant":
        return case.proposal_merchant_accepted_at is not None
    return False


def action_available(case: Dispute, actor: User | None, action: str) -> bool:
    try:
        check_action(case, actor, action)
    except (ActionNotPermitted, InvalidTransition, NotVisible):
        return False
    return True


def available_actions(case: Dispute, actor: User) -> list[str]:
    """The action names `actor` may run on `case` right now."""
    return [a for a in USER_ACTIONS if action_available(case, actor, a)]


def refresh_deadline(case: Dispute, policy: Policy) -> None:
    """Point deadline_at at the deadline that governs the current state."""
    target = sla_refresh(case, policy)
    filed = None
    if case.state == State.APPEAL:
        filed = (
            Appeal.objects.filter(dispute_id=case.pk)
            .values_list("filed_at", flat=True)
            .first()
            if case.pk
            else None
        ) or timezone.now()
    case.deadline_at, case.deadline_kind = deadline_for(
        case,
        policy,
        appeal_filed_at=filed,
        target=(target.kind, target.due_at) if target else None,
        now=timezone.now(),
    )


def actor_role(actor: User | None) -> str:
    if actor is None:
        return "system"
    role = role_of(actor)
    return role.value if role else ""


def run_action(
    *,
    dispute: Dispute | str,
    actor: User | None,
    action: str,
    apply: Callable[[Dispute], Any],
    note: str = "",
    amount: Decimal | None = None,
    expected_version: int | None = None,
    event_extra: dict[str, Any] | None = None,
) -> Dispute:
    """Run one case action in one transaction; the case is returned updated.

    `apply(case)` validates the action's input against the locked row, calls
    the django-fsm transition and records anything else (refunds, rulings).
    Any error rolls everything back and leaves the case as it was.
    """
    with transaction.atomic():
        case = lock_case(dispute)
        if expected_version is not None and case.version != expected_version:
            raise ConcurrentChange(
                _("The case changed since you loaded it; reload and try again.")
            )
        check_action(case, actor, action)
        before = {name: getattr(case, name) for name in _TRACKED_FIELDS}
        from_state = case.state
        apply(case)
        refresh_deadline(case, policy_for(case.store.category))
        case.version += 1
        changed = [n for n in _TRACKED_FIELDS if getattr(case, n) != before[n]]
        case.save(update_fields=[*changed, "updated_at"])
        event = DisputeEvent.objects.create(
            dispute=case,
            actor=actor,
            actor_role=actor_role(actor),
            action=action,
            from_state=from_state,
            to_state=case.state,
            **{"note": note, "amount": amount, **(event_extra or {})},
        )
        if case.state == State.CLOSED and from_state != State.CLOSED:
            evidence_requests_close(case)
        event_publish(case=case, event=event)
    return case


def evidence_requests_close(case: Dispute) -> int:
    """Close the case's open evidence requests (they never time out later)."""
    return EvidenceRequest.objects.filter(
        dispute=case, status=RequestStatus.OPEN
    ).update(status=RequestStatus.CLOSED, closed_at=timezone.now())


def refund(case: Dispute, amount: Decimal, *, label: str) -> None:
    """Refund `amount` to the buyer for this case, once per case version."""
    refund_create(
        order=case.order,
        amount=amount,
        idempotency_key=refund_key(case.number, case.version, label),
        kind=RefundKind.REFUND,
        dispute=case,
        note=label,
    )
    case.refunded_amount += amount


def compensate_merchant(case: Dispute, amount: Decimal, *, label: str) -> None:
    """Record the platform compensating the merchant (nothing is clawed back)."""
    refund_create(
        order=case.order,
        amount=amount,
        idempotency_key=refund_key(case.number, case.version, label),
        kind=RefundKind.COMPENSATION,
        dispute=case,
        note=label,
    )


def parse_amount(value: Any, *, field: str = "amount") -> Decimal:
    """A positive money amount with at most two decimal places."""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
        if Decimal(str(value)) != amount:
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationFailed(
            _("Enter an amount like 12.50."), errors={field: [_("Invalid amount.")]}
        ) from exc
    if not amount.is_finite() or amount <= 0:
        raise ValidationFailed(
            _("The amount must be more than zero."),
            errors={field: [_("Must be more than zero.")]},
        )
    return amount


def require_text(value: Any, *, field: str, label: str) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else ""
    if not text:
        raise ValidationFailed(
            _("%(label)s is required.") % {"label": label},
            errors={field: [_("This field is required.")]},
        )
    return text


def party_for(case: Dispute, actor: User) -> str:
    party = party_of(actor, case)
    if party is None:
        raise ActionNotPermitted(_("Only the buyer or the merchant may do this."))
    return party
