"""Publishing a policy version: a change takes effect no sooner than 7 days on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ActionNotPermitted, ValidationFailed
from core.roles import is_platform_staff

from ..models.policy import NOTICE, PolicyVersion, check_entries


def notice_refusal(
    effective_from: datetime | None, published_at: datetime
) -> str | None:
    """Why a version cannot take effect at `effective_from`, or None when it can.

    Asked by `policy_publish` and by the workbench's form for its field error.
    """
    if effective_from is None:
        return _("Choose when the new version takes effect.")
    if effective_from < published_at + NOTICE:
        return _(
            "A policy change takes effect at least %(days)s days after it is "
            "published: on %(date)s at the earliest."
        ) % {
            "days": NOTICE.days,
            "date": timezone.localtime(published_at + NOTICE).strftime(
                "%Y-%m-%d %H:%M"
            ),
        }
    return None


@transaction.atomic
def policy_publish(
    *,
    actor: User | None,
    entries: list[dict[str, Any]],
    effective_from: datetime,
    changes: str = "",
) -> PolicyVersion:
    """Publish a new policy version; every earlier version stays as it was.

    Open cases keep the version they opened under; cases opened from
    `effective_from` on take the new one.
    """
    if actor is not None and not is_platform_staff(actor):
        raise ActionNotPermitted(_("Only platform staff publish policies."))
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    refusal = notice_refusal(effective_from, now)
    if refusal:
        errors["effective_from"] = [refusal]
    problems = check_entries(entries)
    if problems:
        errors["entries"] = problems
    if errors:
        raise ValidationFailed(
            refusal or _("Check the policy's values."), errors=errors
        )
    # Lock the versions so two editors cannot take the same number.
    list(PolicyVersion.objects.select_for_update().values("pk"))
    latest = PolicyVersion.objects.aggregate(v=Max("version"))["v"]
    return PolicyVersion.objects.create(
        version=(latest or 0) + 1,
        effective_from=effective_from,
        published_at=now,
        changes=changes.strip(),
        entries=entries,
        created_by=actor,
    )
