"""Complaints that reach the platform through customer service (客服).

An agent who took a buyer's phone call or chat opens the case for the buyer:
the case is the buyer's (the same rules as when the buyer opens it), and the
timeline says which agent opened it, for whom and through which channel.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ActionNotPermitted, ValidationFailed
from core.roles import Role, role_of
from orders.models import Order

from ..actions import ActionName
from ..choices import Channel, Party, Remedy
from ..models import Dispute
from ._core import case_action
from .negotiation import case_create, case_detail_errors
from .records import EvidenceFile


def _checked(
    *, reason: str, remedy: str, channel: str, amount: Decimal, description: str
) -> None:
    errors = case_detail_errors(
        reason=reason, remedy=remedy, amount=amount, description=description
    )
    if remedy not in Remedy.values:
        errors["remedy"] = [_("Choose what the buyer wants.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Choose how the buyer reached customer service.")]
    if errors:
        raise ValidationFailed(_("Check the case's details."), errors=errors)


def dispute_open_for_buyer(
    *,
    actor: User,
    order: Order,
    reason: str,
    remedy: str,
    amount: Decimal,
    channel: str,
    description: str = "",
    items: list[tuple[int, int]] | None = None,
    evidence: Sequence[EvidenceFile] = (),
) -> Dispute:
    """An agent opens a case on the buyer's behalf after a phone or chat contact.

    The policy's required evidence holds here too (`case_create` checks it).
    """
    if role_of(actor) not in (Role.AGENT, Role.SUPERVISOR):
        raise ActionNotPermitted(_("Only agents open cases for buyers."))
    _checked(
        reason=reason,
        remedy=remedy,
        channel=channel,
        amount=amount,
        description=description,
    )
    with transaction.atomic():
        locked = (
            Order.objects.select_for_update(of=("self",))
            .select_related("store__category", "buyer")
            .get(pk=order.pk)
        )
        return case_create(
            order=locked,
            actor=actor,
            reason=reason,
            remedy=remedy,
            amount=amount,
            description=description,
            channel=channel,
            items=items,
            evidence=evidence,
        )


def dispute_escalate(
    *,
    dispute: Dispute,
    actor: User,
    party: Party,
    note: str = "",
    expected_version: int | None = None,
) -> Dispute:
    """Customer service escalates a negotiation to the platform because a party
    asked (by phone or chat): the intervention event, on that party's behalf."""
    with case_action(
        dispute=dispute,
        actor=actor,
        action=ActionName.ESCALATE,
        expected_version=expected_version,
    ) as step:
        step.case.escalate(party=party)
        step.log(note=note.strip())
    return step.case
