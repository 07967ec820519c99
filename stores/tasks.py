"""The mail of a governance notice, sent by the task worker."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from core.tasks import retrying_task

from .models import GovernanceNotice


@retrying_task(max_attempts=6, backoff_seconds=60)
def mail_governance_notice(notice_id: int) -> bool:
    """Mail a notice to the store's owner once (claims `emailed_at`)."""
    with transaction.atomic():
        notice = (
            GovernanceNotice.objects.select_for_update()
            .select_related("store__owner")
            .filter(pk=notice_id, emailed_at__isnull=True)
            .first()
        )
        if notice is None or not notice.store.owner.email:
            return False
        send_mail(
            notice.subject,
            notice.body,
            settings.DEFAULT_FROM_EMAIL,
            [notice.store.owner.email],
        )
        notice.emailed_at = timezone.now()
        notice.save(update_fields=["emailed_at"])
    return True
