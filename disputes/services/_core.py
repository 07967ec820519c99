"""The machinery every case action shares: lock, check, transition, log, notify.

A service reads top to bottom::

    with case_action(dispute=..., actor=..., action=ActionName.OFFER,
                     expected_version=...) as step:
        ...domain checks on step.case...
        step.case.offer(amount=amount, note=note)   # the django-fsm transition
        step.log(note=note, amount=amount)           # what the timeline shows
    return step.case

`case_action` opens the transaction, locks the row, checks the version and
the actor (404 / 403 / 409); when the block ends without an error it
refreshes the deadline, bumps the version, saves the changed fields, writes
the timeline entry and publishes it (`timeline.timeline_write`). Any error
rolls everything back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum, auto
from functools import cache
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import Transition

from accounts.models import User
from core.errors import (
    ActionNotPermitted,
    ApplicationError,
    ConcurrentChange,
    InvalidTransition,
    NotVisible,
    ValidationFailed,
)
from core.roles import role_of
from orders.models import RefundKind
from orders.services import refund_create
from stores.scoping import can_see_dispute, party_of

from ..actions import ACTION_LABELS, ACTION_ROLES, USER_ACTIONS, ActionName
from ..choices import RequestStatus, State
from ..models import Dispute, DisputeEvent, EvidenceRequest
from ..policy import Policy, case_policy
from ..rules_pure import governing, refund_key, step_due, warn_point
from ..selectors import dispute_deadlines
from ..sla import sla_refresh
from .timeline import timeline_write

_TRACKED_FIELDS = [
    f.attname for f in Dispute._meta.concrete_fields if f.name not in ("id",)
]


class Refusal(Enum):
    """Why an action is not available; the message is built only when shown."""

    NOT_VISIBLE = auto()
    ROLE = auto()
    NEEDS_USER = auto()
    STATE = auto()
    CONDITION = auto()
    ALREADY_ACCEPTED = auto()
    PERSON = auto()


@cache
def transition_for(action: ActionName, state: str) -> Transition | None:
    """The django-fsm transition `action` has from `state` (None: no such edge)."""
    method = getattr(Dispute, action)
    return method._django_fsm.get_transition(state)  # type: ignore[no-any-return]


def refusal(case: Dispute, actor: User | None, action: ActionName) -> Refusal | None:
    """Why `actor` may not run `action` on `case` now, or None when they may."""
    roles = ACTION_ROLES[action]
    if actor is not None:
        if not can_see_dispute(actor, case):
            return Refusal.NOT_VISIBLE
        if roles is None or role_of(actor) not in roles:
            return Refusal.ROLE
    elif roles is not None:
        return Refusal.NEEDS_USER
    return _transition_refusal(case, actor, action)


def _transition_refusal(
    case: Dispute, actor: User | None, action: ActionName
) -> Refusal | None:
    transition = transition_for(action, case.state)
    if transition is None:
        return Refusal.STATE
    if not all(condition(case) for condition in transition.conditions):
        return Refusal.CONDITION
    if action == ActionName.ACCEPT_PROPOSAL and _accepted_already(case, actor):
        return Refusal.ALREADY_ACCEPTED
    if not transition.has_perm(case, actor):  # type: ignore[arg-type]
        return Refusal.PERSON
    return None


def _accepted_already(case: Dispute, actor: User | None) -> bool:
    party = party_of(actor, case) if actor is not None else None
    if party == "buyer":
        return case.proposal_buyer_accepted_at is not None
    if party == "merchant":
        return case.proposal_merchant_accepted_at is not None
    return False


def check_action(case: Dispute, actor: User | None, action: ActionName) -> None:
    """Raise the right error unless `actor` may run `action` on `case` now."""
    why = refusal(case, actor, action)
    if why is not None:
        raise refusal_error(case, action, why)


def refusal_error(case: Dispute, action: ActionName, why: Refusal) -> ApplicationError:
    """The translated error for one refused action (404, 403 or 409)."""
    label = ACTION_LABELS[action]
    if why is Refusal.NOT_VISIBLE:
        return NotVisible(_("No such case."))
    if why is Refusal.ROLE:
        return ActionNotPermitted(
            _("Your role may not do this: %(action)s.") % {"action": label}
        )
    if why is Refusal.NEEDS_USER:
        return ActionNotPermitted(_("This action needs a user."))
    if why is Refusal.STATE:
        return InvalidTransition(
            _("“%(action)s” is not available while the case is in %(state)s.")
            % {"action": label, "state": case.get_state_display()}
        )
    if why is Refusal.CONDITION:
        transition = transition_for(action, case.state)
        failed = next(c for c in transition.conditions if not c(case))  # type: ignore[union-attr]
        return InvalidTransition(
            str(getattr(failed, "message", _("Not available now.")))
        )
    if why is Refusal.ALREADY_ACCEPTED:
        return InvalidTransition(_("You have already accepted this proposal."))
    explained = _person_refusal(case, action)
    if explained:
        return ActionNotPermitted(explained)
    return ActionNotPermitted(
        _("You may not do this on this case: %(action)s.") % {"action": label}
    )


def _person_refusal(case: Dispute, action: str) -> str:
    """The reason a transition's permission gives for refusing someone ("" if none)."""
    transition = transition_for(action, case.state)
    message = getattr(transition.permission, "message", "") if transition else ""
    return str(message)


def refusals_explained(case: Dispute, actor: User) -> list[str]:
    """Why `actor` may not run an action their role runs in this state, when
    the rule is about the person (a supervisor who made the ruling under appeal
    does not decide the appeal): the workbench says so instead of hiding it."""
    role = role_of(actor)
    if role is None or not can_see_dispute(actor, case):
        return []
    reasons = []
    for name in USER_ACTIONS:
        if role not in (ACTION_ROLES[name] or ()):
            continue
        if _transition_refusal(case, actor, name) is Refusal.PERSON:
            reason = _person_refusal(case, name)
            if reason and reason not in reasons:
                reasons.append(reason)
    return reasons


def available_actions(case: Dispute, actor: User) -> list[ActionName]:
    """The action names `actor` may run on `case` right now (no messages built)."""
    role = role_of(actor)
    if role is None or not can_see_dispute(actor, case):
        return []
    return [
        name
        for name in USER_ACTIONS
        if role in (ACTION_ROLES[name] or ())
        and _transition_refusal(case, actor, name) is None
    ]


def lock_case(dispute: Dispute) -> Dispute:
    """Fetch the case row locked for update (inside the caller's transaction)."""
    qs = Dispute.objects.select_for_update(of=("self",)).select_related(
        "store__category", "order"
    )
    try:
        case: Dispute = qs.get(pk=dispute.pk)
    except Dispute.DoesNotExist as exc:
        raise NotVisible(_("No such case.")) from exc
    return case


# States in which the platform has nothing left to decide: open evidence
# requests close when a case reaches one.
PAST_THE_PLATFORM = (State.CLOSED, State.RETURNING)


def goods_clock(
    case: Dispute, policy: Policy, *, before_step: str, from_state: str
) -> None:
    """Start the goods step's clock when a `returning` case enters a step (or
    comes back to one after an appeal); stop it when the case leaves."""
    if case.state != State.RETURNING:
        case.step_due_at = case.step_warn_at = case.step_warned_at = None
        return
    if case.return_step == before_step and from_state == State.RETURNING:
        return
    now = timezone.now()
    case.step_due_at = step_due(case.return_step, policy, started=now)
    case.step_warn_at = warn_point(now, case.step_due_at) if case.step_due_at else None
    case.step_warned_at = None


def refresh_deadline(case: Dispute, policy: Policy) -> None:
    """Point the agents' target and deadline_at at the current state's."""
    sla_refresh(case, policy)
    running = dispute_deadlines(dispute=case, policy=policy)
    case.deadline_at, case.deadline_kind = governing(running)


@dataclass
class ActionStep:
    """The locked, checked case an action works on, and its timeline entry."""

    case: Dispute
    actor: User | None
    action: ActionName
    from_state: str
    before: dict[str, Any]
    note: str = ""
    amount: Decimal | None = None
    evidence_request: EvidenceRequest | None = None
    subject: User | None = None
    event: DisputeEvent | None = field(default=None, init=False)

    def log(
        self,
        *,
        note: str = "",
        amount: Decimal | None = None,
        evidence_request: EvidenceRequest | None = None,
        subject: User | None = None,
    ) -> None:
        """Say what the timeline entry shows besides who, when, from and to
        (`subject`: whom it is about, e.g. the assignee; pages name them)."""
        self.note, self.amount = note, amount
        self.evidence_request, self.subject = evidence_request, subject

    def finish(self) -> None:
        """Refresh the deadline, save the changed fields, write and publish."""
        case = self.case
        policy = case_policy(case)
        goods_clock(case, policy, before_step=self.before["return_step"],
                    from_state=self.from_state)  # fmt: skip
        refresh_deadline(case, policy)
        case.version += 1
        changed = [n for n in _TRACKED_FIELDS if getattr(case, n) != self.before[n]]
        case.save(update_fields=[*changed, "updated_at"])
        if case.state in PAST_THE_PLATFORM and self.from_state not in (
            PAST_THE_PLATFORM
        ):
            evidence_requests_close(case)
        self.event = timeline_write(
            case=case,
            action=self.action,
            actor=self.actor,
            from_state=self.from_state,
            note=self.note,
            amount=self.amount,
            evidence_request=self.evidence_request,
            subject_id=self.subject.pk if self.subject else None,
        )


@contextmanager
def case_action(
    *,
    dispute: Dispute,
    actor: User | None,
    action: ActionName,
    expected_version: int | None = None,
) -> Iterator[ActionStep]:
    """Run one case action in one transaction on the locked, checked case."""
    with transaction.atomic():
        case = lock_case(dispute)
        if expected_version is not None and case.version != expected_version:
            raise ConcurrentChange(
                _("The case changed since you loaded it; reload and try again.")
            )
        check_action(case, actor, action)
        step = ActionStep(
            case=case,
            actor=actor,
            action=action,
            from_state=case.state,
            before={name: getattr(case, name) for name in _TRACKED_FIELDS},
        )
        yield step
        step.finish()


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


def pay_held(case: Dispute, *, label: str) -> Decimal | None:
    """Refund the money held for the goods (once they are back); None if none.

    Capped by what the order can still refund (another case may have
    refunded part of it meanwhile)."""
    held = case.held_amount
    case.held_amount = None
    if not held:
        return None
    amount = min(held, case.order.refundable)
    if amount <= 0:
        return None
    refund(case, amount, label=label)
    return amount


def compensate_merchant(case: Dispute, amount: Decimal, *, label: str) -> None:
    """Record the platform compensating the merchant (nothing is clawed back)."""
    refund_create(
        order=case.order,
        amount=amount,
        idempotency_key=refund_key(case.number, case.version, label),
        kind=RefundKind.MERCHANT_COMPENSATION,
        dispute=case,
        note=label,
    )


def require_text(value: str, *, field: str, label: str) -> str:
    """`value` stripped; a field error when nothing is left."""
    text = value.strip()
    if not text:
        raise ValidationFailed(
            _("%(label)s is required.") % {"label": label},
            errors={field: [_("This field is required.")]},
        )
    return text


def limit_text(value: str, *, field: str, most: int) -> str:
    """`value` stripped; a field error when more than `most` characters are left
    (never cut: what a party wrote is kept whole or refused)."""
    text = value.strip()
    if len(text) > most:
        raise ValidationFailed(
            _("Write at most %(most)s characters (this has %(count)s).")
            % {"most": most, "count": len(text)},
            errors={field: [_("At most %(most)s characters.") % {"most": most}]},
        )
    return text


def require_positive(amount: Decimal, *, field: str = "amount") -> Decimal:
    """`amount` when it is more than zero; a field error otherwise."""
    if amount <= 0:
        raise ValidationFailed(
            _("Enter an amount of more than zero."),
            errors={field: [_("Must be more than zero.")]},
        )
    return amount


def party_for(case: Dispute, actor: User) -> str:
    """'buyer' or 'merchant' for a party of the case; 403 for anyone else."""
    party = party_of(actor, case)
    if party is None:
        raise ActionNotPermitted(_("Only the buyer or the merchant may do this."))
    return party
