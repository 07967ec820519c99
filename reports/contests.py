"""Contesting a case's counting in the store's score: once per case, by the
store's merchant, with grounds, a reason and evidence; a supervisor decides.
An upheld contest leaves every figure at the next recompute (reports.health
takes the case's contribution out of the rollups it reads)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import (
    ActionNotPermitted,
    InvalidTransition,
    NotVisible,
    ValidationFailed,
)
from core.roles import is_supervisor
from core.uploads import upload_refusal
from disputes.models import Dispute
from stores.models import Store
from stores.scoping import party_of
from stores.signals import contest_decided

from .models import CaseContest, ContestGrounds, ContestState


def contest_file(
    *,
    dispute: Dispute,
    actor: User,
    grounds: str,
    reason: str,
    evidence: str = "",
    evidence_file: Any = None,
) -> CaseContest:
    """The case's merchant asks, once, that it not count in the score."""
    if party_of(actor, dispute) != "merchant":
        raise NotVisible(_("No such case."))
    errors: dict[str, list[str]] = {}
    if grounds not in ContestGrounds.values:
        errors["grounds"] = [_("Choose the grounds.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Required.")]
    evidence = (evidence or "").strip()
    if not evidence and not evidence_file:
        errors["evidence"] = [_("Describe or attach your evidence.")]
    if evidence_file:
        refusal = upload_refusal(evidence_file)
        if refusal:
            errors["evidence_file"] = [refusal]
    if errors:
        raise ValidationFailed(_("Check the contest."), errors=errors)
    if CaseContest.objects.filter(dispute=dispute).exists():
        raise InvalidTransition(_("This case's counting has been contested already."))
    try:
        with transaction.atomic():
            return CaseContest.objects.create(
                dispute=dispute,
                store_id=dispute.store_id,
                grounds=grounds,
                reason=reason,
                evidence=evidence,
                evidence_file=evidence_file or "",
                filed_by=actor,
            )
    except IntegrityError as exc:
        raise InvalidTransition(
            _("This case's counting has been contested already.")
        ) from exc


@transaction.atomic
def contest_decide(
    *, contest: CaseContest, actor: User, uphold: bool, reason: str
) -> CaseContest:
    """A supervisor excludes the case from the score (uphold) or keeps it;
    the store's merchants hear of it in their in-page inbox."""
    if not is_supervisor(actor):
        raise ActionNotPermitted(_("Only supervisors decide contests."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("A written reason is required."), errors={"reason": [_("Required.")]}
        )
    locked = CaseContest.objects.select_for_update().get(pk=contest.pk)
    if locked.state != ContestState.PENDING:
        raise InvalidTransition(_("This contest has been decided already."))
    locked.state = ContestState.UPHELD if uphold else ContestState.REJECTED
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.decision_reason = reason
    locked.save()
    contest_decided.send(
        sender=CaseContest,
        contest=locked,
        store=Store.objects.get(pk=locked.store_id),
        uphold=uphold,
    )
    return locked
