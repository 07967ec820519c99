"""Run a macro: its steps through the normal services, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ActionNotPermitted, ApplicationError
from core.roles import is_platform_staff

from ..actions import ACTION_LABELS, ActionName
from ..choices import Party
from ..models import Dispute, Macro
from .platform import dispute_request_evidence, dispute_start_mediation
from .records import message_post

Step = tuple[str, Callable[[Dispute, User], object]]


def macro_steps(*, macro: Macro) -> list[Step]:
    """The macro's steps in order, each a (label, run(case, actor)) pair."""

    def post(case: Dispute, actor: User) -> object:
        return message_post(
            dispute=case,
            actor=actor,
            body=macro.message,
            internal=macro.message_internal,
        )

    def request_evidence(case: Dispute, actor: User) -> object:
        hours = macro.evidence_hours
        return dispute_request_evidence(
            dispute=case,
            actor=actor,
            party=Party(macro.evidence_party),
            note=macro.evidence_what,
            due_at=timezone.now() + timedelta(hours=hours) if hours else None,
        )

    def start_mediation(case: Dispute, actor: User) -> object:
        return dispute_start_mediation(dispute=case, actor=actor)

    steps: list[Step] = []
    if macro.message.strip():
        label = _("Internal note") if macro.message_internal else _("Reply")
        steps.append((label, post))
    if macro.evidence_party:
        label = str(ACTION_LABELS[ActionName.REQUEST_EVIDENCE])
        steps.append((label, request_evidence))
    if macro.start_mediation:
        label = str(ACTION_LABELS[ActionName.START_MEDIATION])
        steps.append((label, start_mediation))
    return steps


def macro_run(*, macro: Macro, dispute: Dispute, actor: User) -> int:
    """Run every step of `macro` on the case; return how many ran.

    The steps share one transaction: when a step is refused, the error names
    the step and nothing of the earlier steps is kept (nor mailed).
    """
    if not is_platform_staff(actor):
        raise ActionNotPermitted(_("Only agents and supervisors run macros."))
    if not macro.active:
        raise ActionNotPermitted(_("This macro is switched off."))
    steps = macro_steps(macro=macro)
    with transaction.atomic():
        for number, (label, run) in enumerate(steps, start=1):
            try:
                run(dispute, actor)
            except ApplicationError as exc:
                raise type(exc)(
                    _("Macro “%(macro)s” stopped at step %(n)s (%(step)s): %(why)s")
                    % {
                        "macro": macro.name,
                        "n": number,
                        "step": label,
                        "why": exc.message,
                    },
                    errors=exc.errors,
                ) from exc
    return len(steps)
