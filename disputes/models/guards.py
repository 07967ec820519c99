"""Who may run each transition, and when: django-fsm `permission` callables
and `conditions` (side-effect free; the conditions read the clock)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import party_of
from core.roles import Role, is_platform_staff, role_of
from core.roles import is_supervisor as is_supervisor_role

from ..choices import MerchantResponse, Party

if TYPE_CHECKING:
    from .case import Dispute


# Who may run a transition (django-fsm `permission` callables).
def is_buyer(case: Dispute, user: object) -> bool:
    return party_of(user, case) == Party.BUYER


def is_merchant(case: Dispute, user: object) -> bool:
    return party_of(user, case) == Party.MERCHANT


def is_party(case: Dispute, user: object) -> bool:
    return party_of(user, case) is not None


def is_platform(case: Dispute, user: object) -> bool:
    return is_platform_staff(user)


def is_handler(case: Dispute, user: object) -> bool:
    """The assigned agent, or any supervisor."""
    role = role_of(user)
    if role == Role.SUPERVISOR:
        return True
    return role == Role.AGENT and case.assigned_to_id == user.pk


def may_work_on(case: Dispute, user: object) -> bool:
    """Platform staff who may add to a case: any supervisor, and agents on
    their own or unassigned cases (the workbench and the API ask this)."""
    role = role_of(user)
    if role == Role.SUPERVISOR:
        return True
    return role == Role.AGENT and case.assigned_to_id in (None, user.pk)


def is_supervisor(case: Dispute, user: object) -> bool:
    return is_supervisor_role(user)


def is_appeal_judge(case: Dispute, user: object) -> bool:
    """A supervisor who did not make the ruling under appeal."""
    return is_supervisor(case, user) and case.ruled_by_id != user.pk


def is_system(case: Dispute, user: object) -> bool:
    return user is None


# Guards (django-fsm `conditions`): side-effect free, they read the clock.
def has_offer(case: Dispute) -> bool:
    return case.offer_amount is not None


def intervention_allowed(case: Dispute) -> bool:
    """After the merchant rejected or offered, or once the response deadline passed."""
    if case.merchant_response in (MerchantResponse.REJECTED, MerchantResponse.OFFERED):
        return True
    return case.merchant_deadline_at is not None and (
        timezone.now() >= case.merchant_deadline_at
    )


def merchant_silent_past_deadline(case: Dispute) -> bool:
    return (
        case.merchant_response == MerchantResponse.NONE
        and case.merchant_deadline_at is not None
        and timezone.now() >= case.merchant_deadline_at
    )


def has_proposal(case: Dispute) -> bool:
    return case.proposal_amount is not None


def appeal_window_open(case: Dispute) -> bool:
    return case.appeal_deadline_at is not None and timezone.now() <= (
        case.appeal_deadline_at
    )


def appeal_window_passed(case: Dispute) -> bool:
    return case.appeal_deadline_at is not None and timezone.now() > (
        case.appeal_deadline_at
    )


intervention_allowed.message = _(  # type: ignore[attr-defined]
    "Intervention can be requested only after the merchant rejected or made an "
    "offer, or once the merchant's response deadline has passed."
)
has_offer.message = _("There is no offer to accept.")  # type: ignore[attr-defined]
has_proposal.message = _("There is no proposal to accept.")  # type: ignore[attr-defined]
appeal_window_open.message = _("The appeal window has closed.")  # type: ignore[attr-defined]
appeal_window_passed.message = _("The appeal window is still open.")  # type: ignore[attr-defined]
merchant_silent_past_deadline.message = _(  # type: ignore[attr-defined]
    "The merchant answered or the response deadline has not passed."
)
