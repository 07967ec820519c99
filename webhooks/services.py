"""Every write of the webhooks app: endpoints, deliveries, attempts."""

from __future__ import annotations

import base64
import json
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from accounts.models import User
from core.errors import ActionNotPermitted, NotVisible, ValidationFailed
from core.roles import Role, role_of
from core.tasks import backoff_delay, enqueue_on_commit
from stores.models import Store
from stores.scoping import store_ids_for

from . import client
from .events import EVENT_TYPES
from .models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .signals import endpoint_disabled
from .urlsafety import UnsafeURL, url_check

MAX_ENDPOINTS_PER_STORE = 10
# Deliveries keep signing with the old secret this long after a rotation, so
# that the merchant's system can switch over without losing messages.
ROTATION_OVERLAP = timedelta(hours=24)


def secret_new() -> str:
    """A fresh Standard Webhooks secret: `whsec_` and 32 random bytes, base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _store_for(actor: User, store_id: int | None) -> Store:
    """The actor's store to register on (their only one if not named)."""
    if role_of(actor) != Role.MERCHANT:
        raise ActionNotPermitted(_("Only merchants register webhooks."))
    mine = store_ids_for(actor)
    if store_id is None:
        if len(mine) != 1:
            raise ValidationFailed(
                _("Choose the store."), errors={"store": [_("Required.")]}
            )
        (store_id,) = mine
    if store_id not in mine:
        raise ValidationFailed(
            _("Choose one of your stores."), errors={"store": [_("Not your store.")]}
        )
    return Store.objects.get(pk=store_id)


def _clean_events(events: list[str] | None) -> list[str]:
    unknown = sorted(set(events or []) - set(EVENT_TYPES))
    if unknown:
        raise ValidationFailed(
            _("Unknown events: %(names)s.") % {"names": ", ".join(unknown)},
            errors={"events": [_("Unknown event.")]},
        )
    return [name for name in EVENT_TYPES if name in set(events or [])]


@transaction.atomic
def endpoint_create(
    *,
    actor: User,
    url: str,
    events: list[str] | None = None,
    store_id: int | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint for one of the actor's stores (`store_id`: may be
    left out by a merchant of one store); returns it and its secret (shown to
    the merchant this once).

    The store row is locked before the endpoints are counted, so concurrent
    registrations count one after another and the limit holds (locking the
    existing endpoints cannot stop a new one being inserted beside them).
    """
    target_store = _store_for(actor, store_id)
    wanted = _clean_events(events)
    url_check(url)
    list(Store.objects.select_for_update(no_key=True).filter(pk=target_store.pk))
    if WebhookEndpoint.objects.filter(store=target_store).count() >= (
        MAX_ENDPOINTS_PER_STORE
    ):
        raise ValidationFailed(
            _("A store may have at most %(n)s webhook endpoints.")
            % {"n": MAX_ENDPOINTS_PER_STORE}
        )
    secret = secret_new()
    endpoint = WebhookEndpoint.objects.create(
        store=target_store, url=url, events=wanted, secret=secret, created_by=actor
    )
    return endpoint, secret


def _locked(actor: User, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    found = (
        WebhookEndpoint.objects.select_for_update()
        .filter(pk=endpoint.pk, store_id__in=store_ids_for(actor))
        .first()
    )
    if found is None:
        raise NotVisible(_("No such webhook endpoint."))
    return found


@transaction.atomic
def endpoint_rotate(*, actor: User, endpoint: WebhookEndpoint) -> str:
    """Give the endpoint a new secret; the old one signs too for 24 hours."""
    found = _locked(actor, endpoint)
    found.previous_secret = found.secret
    found.previous_secret_until = timezone.now() + ROTATION_OVERLAP
    found.secret = secret_new()
    found.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    return found.secret


@transaction.atomic
def endpoint_delete(*, actor: User, endpoint: WebhookEndpoint) -> None:
    """Remove an endpoint with its delivery history."""
    _locked(actor, endpoint).delete()


@transaction.atomic
def endpoint_enable(*, actor: User, endpoint: WebhookEndpoint) -> None:
    """Turn a disabled endpoint back on (its URL is checked again)."""
    found = _locked(actor, endpoint)
    url_check(found.url)
    found.active, found.disabled_at, found.disabled_reason = True, None, ""
    found.save(update_fields=["active", "disabled_at", "disabled_reason"])


def deliveries_create(*, store_id: int, event_type: str, payload: dict) -> int:
    """Queue one delivery per active endpoint of the store that wants the event
    (inside the caller's transaction; the tasks run after commit)."""
    from .tasks import webhook_deliver

    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(store_id=store_id, active=True)
        if e.wants(event_type)
    ]
    now = timezone.now()
    for endpoint in endpoints:
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            message_id=f"msg_{secrets.token_hex(12)}",
            event_type=event_type,
            dispute_number=payload["data"].get("case", {}).get("number", ""),
            payload=payload,
            created_at=now,
            next_attempt_at=now,
        )
        enqueue_on_commit(webhook_deliver, delivery.pk)
    return len(endpoints)


def signature_headers(endpoint: WebhookEndpoint, message_id: str, body: str) -> dict:
    """The Standard Webhooks headers; during a rotation, signed with both secrets."""
    now = timezone.now()
    secrets_in_use = [endpoint.secret]
    if endpoint.previous_secret and (endpoint.previous_secret_until or now) > now:
        secrets_in_use.append(endpoint.previous_secret)
    signatures = [Webhook(s).sign(message_id, now, body) for s in secrets_in_use]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


def delivery_attempt(*, delivery_id: int) -> str:
    """Make one attempt at a pending delivery and record it; returns the status.

    A failure is retried with exponential back-off while within
    `WEBHOOK_RETRY_WINDOW_HOURS` of the event; after that the delivery fails
    and the endpoint is disabled (the merchant is told).
    """
    delivery = (
        WebhookDelivery.objects.select_related("endpoint")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return delivery.status if delivery else "gone"
    if not delivery.endpoint.active:
        _finish(delivery, DeliveryStatus.CANCELLED)
        return DeliveryStatus.CANCELLED
    at, code, error, duration = _send(delivery)
    return _record(delivery, at=at, code=code, error=error, duration=duration)


def _send(delivery: WebhookDelivery) -> tuple:
    at = timezone.now()
    started = time.monotonic()
    code, error = None, ""
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))
    try:
        target = url_check(delivery.endpoint.url)  # again: DNS may have changed
        headers = signature_headers(delivery.endpoint, delivery.message_id, body)
        code = client.post(
            target, body.encode(), headers, settings.WEBHOOK_TIMEOUT_SECONDS
        )
        if not 200 <= code < 300:
            error = f"HTTP {code}"
    except UnsafeURL as exc:
        error = exc.message
    except OSError as exc:  # refused, reset, timed out, TLS
        error = str(exc) or type(exc).__name__
    duration = int((time.monotonic() - started) * 1000)
    return at, code, error[:300], duration


@transaction.atomic
def _record(delivery, *, at, code, error: str, duration: int) -> str:
    from .tasks import webhook_deliver

    locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.status != DeliveryStatus.PENDING:  # a duplicate run finished it
        return locked.status
    locked.attempts += 1
    WebhookAttempt.objects.create(
        delivery=locked,
        number=locked.attempts,
        at=at,
        succeeded=not error,
        response_code=code,
        duration_ms=duration,
        error=error,
    )
    if not error:
        _finish(locked, DeliveryStatus.SUCCEEDED)
        return DeliveryStatus.SUCCEEDED
    delay = backoff_delay(
        locked.attempts,
        base_seconds=settings.WEBHOOK_RETRY_FIRST_SECONDS,
        max_seconds=settings.WEBHOOK_RETRY_MAX_SECONDS,
    )
    retry_at = timezone.now() + delay
    window = timedelta(hours=settings.WEBHOOK_RETRY_WINDOW_HOURS)
    if retry_at <= locked.created_at + window:
        locked.next_attempt_at = retry_at
        locked.save(update_fields=["attempts", "next_attempt_at"])
        enqueue_on_commit(webhook_deliver.using(run_after=retry_at), locked.pk)
        return DeliveryStatus.PENDING
    _finish(locked, DeliveryStatus.FAILED)
    endpoint_disable(
        endpoint=locked.endpoint,
        reason=_("Deliveries failed for %(hours)s hours (last: %(error)s).")
        % {"hours": settings.WEBHOOK_RETRY_WINDOW_HOURS, "error": error},
    )
    return DeliveryStatus.FAILED


def _finish(delivery: WebhookDelivery, status: str) -> None:
    delivery.status = status
    delivery.finished_at = timezone.now()
    delivery.next_attempt_at = None
    delivery.save(
        update_fields=["status", "finished_at", "next_attempt_at", "attempts"]
    )


@transaction.atomic
def endpoint_disable(*, endpoint: WebhookEndpoint, reason: str) -> bool:
    """Stop sending to an endpoint; tell the merchant (signal now, mail on commit)."""
    from .tasks import webhook_disabled_mail

    updated = WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True).update(
        active=False, disabled_at=timezone.now(), disabled_reason=reason[:200]
    )
    if not updated:
        return False
    endpoint.refresh_from_db()
    WebhookDelivery.objects.filter(
        endpoint=endpoint, status=DeliveryStatus.PENDING
    ).update(status=DeliveryStatus.CANCELLED, finished_at=timezone.now())
    endpoint_disabled.send(sender=WebhookEndpoint, endpoint=endpoint)
    enqueue_on_commit(webhook_disabled_mail, endpoint.pk)
    return True
