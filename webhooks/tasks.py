"""Background work of the webhooks app (django-tasks, run by `db_worker`)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

logger = logging.getLogger(__name__)


@task(queue_name="default")
def webhook_deliver(delivery_id: int) -> str:
    """One attempt at a delivery; a failure queues the next attempt itself."""
    from .services import delivery_attempt

    return delivery_attempt(delivery_id=delivery_id)


@task(queue_name="default")
def webhook_disabled_mail(endpoint_id: int) -> int:
    """E-mail the store owner that an endpoint was disabled."""
    from .models import WebhookEndpoint

    endpoint = (
        WebhookEndpoint.objects.select_related("store__owner")
        .filter(pk=endpoint_id)
        .first()
    )
    if endpoint is None:
        return 0
    owner = endpoint.store.owner
    if owner is None or not owner.email:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Webhook disabled for %(store)s") % {"store": endpoint.store}
        body = _(
            "We could not deliver your store's case events to %(url)s for "
            "%(hours)s hours, so we stopped sending to it.\n%(reason)s\n\n"
            "Fix your receiver, then turn the endpoint on again: %(page)s"
        ) % {
            "url": endpoint.url,
            "hours": settings.WEBHOOK_RETRY_WINDOW_HOURS,
            "reason": endpoint.disabled_reason,
            "page": getattr(settings, "SITE_URL", "").rstrip("/")
            + endpoint.get_absolute_url(),
        }
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [owner.email])
