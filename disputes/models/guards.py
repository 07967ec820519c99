"""Who may run each transition, and when: django-fsm `permission` callables
and `conditions` (side-effect free; the conditions read the clock)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.roles import Role, is_platform_staff, role_of
from core.roles import is_supervisor as is_supervisor_role
from stores.scoping import party_of

from ..choices import MerchantResponse, Party, Resolution, ReturnStep

if TYPE_CHECKING:
    from .case import Dispute

# django-fsm types its callables against the base Model and any user; ours read
# Dispute's fields, so each is handed to the library through these, once.
FsmPermission = Callable[[Model, Any], bool]
FsmCondition = Callable[[Model], bool]


def permission(check: Callable[[Dispute, User | None], bool]) -> FsmPermission:
    return cast(FsmPermission, check)


def condition(check: Callable[[Dispute], bool]) -> FsmCondition:
    return cast(FsmCondition, check)


# Who may run a transition (django-fsm `permission` callables).
@permission
def is_buyer(case: Dispute, user: User | None) -> bool:
    return party_of(user, case) == Party.BUYER


@permission
def is_merchant(case: Dispute, user: User | None) -> bool:
    return party_of(user, case) == Party.MERCHANT


@permission
def is_party(case: Dispute, user: User | None) -> bool:
    return party_of(user, case) is not None


@permission
def is_platform(case: Dispute, user: User | None) -> bool:
    return is_platform_staff(user)


@permission
def is_handler(case: Dispute, user: User | None) -> bool:
    """The assigned agent, or any supervisor."""
    role = role_of(user)
    if role == Role.SUPERVISOR:
        return True
    return role == Role.AGENT and user is not None and case.assigned_to_id == user.pk


@permission
def may_work_on(case: Dispute, user: User | None) -> bool:
    """Platform staff who may add to a case: any supervisor, and agents on
    their own or unassigned cases (the workbench and the API ask this)."""
    role = role_of(user)
    if role == Role.SUPERVISOR:
        return True
    return (
        role == Role.AGENT
        and user is not None
        and case.assigned_to_id
        in (
            None,
            user.pk,
        )
    )


@permission
def is_supervisor(case: Dispute, user: User | None) -> bool:
    return is_supervisor_role(user)


@permission
def is_appeal_judge(case: Dispute, user: User | None) -> bool:
    """A supervisor who did not make the ruling under appeal."""
    return (
        is_supervisor(case, user) and user is not None and case.ruled_by_id != user.pk
    )


@permission
def is_system(case: Dispute, user: User | None) -> bool:
    return user is None


# Guards (django-fsm `conditions`): side-effect free, they read the clock.
@condition
def has_offer(case: Dispute) -> bool:
    return case.offer_amount is not None


@condition
def intervention_allowed(case: Dispute) -> bool:
    """After the merchant rejected or offered, or once the response deadline passed."""
    if case.merchant_response in (MerchantResponse.REJECTED, MerchantResponse.OFFERED):
        return True
    return case.merchant_deadline_at is not None and (
        timezone.now() >= case.merchant_deadline_at
    )


@condition
def merchant_silent_past_deadline(case: Dispute) -> bool:
    return (
        case.merchant_response == MerchantResponse.NONE
        and case.merchant_deadline_at is not None
        and timezone.now() >= case.merchant_deadline_at
    )


def small_unshipped_claim(case: Dispute) -> bool:
    """The case's policy refunds a claim this small on an order not shipped."""
    version = case.policy_version
    if version is None or case.order.shipped_at is not None:
        return False
    if case.order.status not in ("paid",):
        return False
    store = case.store
    limit = version.value(
        "auto_refund_unshipped_below", store.category.code, store.region
    )
    return limit is not None and case.amount < limit


@condition
def auto_refund_due(case: Dispute) -> bool:
    """A silent merchant on a money-only claim, or a small unshipped claim: a
    silent merchant on a claim that moves goods is taken as accepting it
    (`auto_accept`) instead."""
    silent = merchant_silent_past_deadline(case) and not case.moves_goods
    return silent or small_unshipped_claim(case)


@condition
def claim_moves_goods(case: Dispute) -> bool:
    return case.moves_goods


@condition
def has_proposal(case: Dispute) -> bool:
    return case.proposal_amount is not None


@condition
def appeal_window_open(case: Dispute) -> bool:
    return case.appeal_deadline_at is not None and timezone.now() <= (
        case.appeal_deadline_at
    )


@condition
def appeal_window_passed(case: Dispute) -> bool:
    return case.appeal_deadline_at is not None and timezone.now() > (
        case.appeal_deadline_at
    )


@condition
def was_ruled(case: Dispute) -> bool:
    return case.ruled_at is not None


@condition
def never_appealed(case: Dispute) -> bool:
    """No appeal was filed on the case (an appeal is once per case).

    Read from the case alone (no query for every listed case): an appeal
    leaves `ruled` for good, and a case whose goods go on after an appeal
    carries the appeal's decision in `settles_as` (`uphold` / `overturn`);
    a case back in `ruled` after its goods leg was never appealed
    (`Dispute._goods_done`)."""
    return case.settles_as not in (Resolution.UPHELD, Resolution.OVERTURNED)


def _step_is(step: str) -> FsmCondition:
    @condition
    def check(case: Dispute) -> bool:
        return bool(case.return_step == step)

    check.__name__ = step
    check.message = _("The goods are not at this step.")  # type: ignore[attr-defined]
    return check


awaiting_return = _step_is(ReturnStep.AWAITING_RETURN)
return_in_transit = _step_is(ReturnStep.RETURN_IN_TRANSIT)
awaiting_replacement = _step_is(ReturnStep.AWAITING_REPLACEMENT)
replacement_in_transit = _step_is(ReturnStep.REPLACEMENT_IN_TRANSIT)


@condition
def step_due_passed(case: Dispute) -> bool:
    return case.step_due_at is not None and timezone.now() >= case.step_due_at


was_ruled.message = _("Only a ruling can be appealed.")  # type: ignore[attr-defined]
never_appealed.message = _("A case can be appealed only once.")  # type: ignore[attr-defined]
step_due_passed.message = _("The goods step is not due yet.")  # type: ignore[attr-defined]
intervention_allowed.message = _(  # type: ignore[attr-defined]
    "Intervention can be requested only after the merchant rejected or made an "
    "offer, or once the merchant's response deadline has passed."
)
has_offer.message = _("There is no offer to accept.")  # type: ignore[attr-defined]
has_proposal.message = _("There is no proposal to accept.")  # type: ignore[attr-defined]
appeal_window_open.message = _("The appeal window has closed.")  # type: ignore[attr-defined]
appeal_window_passed.message = _("The appeal window is still open.")  # type: ignore[attr-defined]
is_appeal_judge.message = _(  # type: ignore[attr-defined]
    "You made the ruling under appeal, and nobody decides an appeal against "
    "their own ruling: another supervisor decides it."
)
merchant_silent_past_deadline.message = _(  # type: ignore[attr-defined]
    "The merchant answered or the response deadline has not passed."
)
auto_refund_due.message = _(  # type: ignore[attr-defined]
    "The merchant answered or the response deadline has not passed, or the "
    "claim moves goods: it is then taken as accepted, not refunded at once."
)
claim_moves_goods.message = _(  # type: ignore[attr-defined]
    "Only a return, an exchange or a resend is taken as accepted; a claim for "
    "money only is refunded."
)
