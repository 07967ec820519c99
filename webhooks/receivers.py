"""Turn case events into webhook deliveries (connected in WebhooksConfig.ready)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from .events import event_type_for
from .models import WebhookEndpoint
from .services import deliveries_create

logger = logging.getLogger(__name__)


def on_case_event(sender, *, dispute, event, **kwargs) -> None:
    """Queue deliveries of a public timeline entry to the store's endpoints.

    Runs inside the case's transaction; a failure here is logged and rolled
    back to a savepoint, never taking the case action down with it.
    """
    event_type = event_type_for(event.action)
    if event.internal or event_type is None:
        return
    try:
        with transaction.atomic():
            if not WebhookEndpoint.objects.filter(
                store_id=dispute.store_id, active=True
            ).exists():
                return
            deliveries_create(
                store_id=dispute.store_id,
                event_type=event_type,
                payload=message_payload(dispute, event, event_type),
            )
    except Exception:
        logger.exception("Could not queue webhooks for %s", dispute.number)


def message_payload(dispute, event, event_type: str) -> dict:
    """The Standard Webhooks body: type, timestamp and the case as the API shows it."""
    from .serializers import WebhookCaseSerializer

    case = WebhookCaseSerializer(dispute, context={"user": dispute.store.owner}).data
    return {
        "type": event_type,
        "timestamp": timezone.localtime(event.created_at).isoformat(),
        "data": {
            "case": case,
            "event": {
                "action": event.action,
                "actor_role": event.actor_role,
                "from_state": event.from_state,
                "to_state": event.to_state,
                "note": event.note,
                "amount": None if event.amount is None else f"{event.amount:.2f}",
                "created_at": timezone.localtime(event.created_at).isoformat(),
            },
        },
    }


def on_governance_changed(sender, *, notice, action, **kwargs) -> None:
    """Send `store.governance_changed` to the store's endpoints: the notice
    (facts, figures, rule version, consequence, how to appeal) as data."""
    from .events import STORE_GOVERNANCE_CHANGED

    try:
        with transaction.atomic():
            deliveries_create(
                store_id=notice.store_id,
                event_type=STORE_GOVERNANCE_CHANGED,
                payload=governance_payload(notice, action),
            )
    except Exception:
        logger.exception("Could not queue webhooks for store %s", notice.store_id)


def governance_payload(notice, action) -> dict:
    appeal = getattr(action, "appeal", None)
    return {
        "type": "store.governance_changed",
        "timestamp": timezone.localtime(notice.created_at).isoformat(),
        "data": {
            "store": notice.store_id,
            "notice": {
                "kind": notice.kind,
                "subject": notice.subject,
                "body": notice.body,
            },
            "action": {
                "id": action.pk,
                "from_tier": action.from_tier,
                "to_tier": action.to_tier,
                "state": action.state,
                "score": None if action.score is None else str(action.score),
                "rule_version": action.rule.version,
                "reason": action.decision_reason,
                "decided_at": action.decided_at
                and timezone.localtime(action.decided_at).isoformat(),
                "facts": action.facts,
            },
            "appeal": None
            if appeal is None
            else {"state": appeal.state, "due_at": appeal.due_at.isoformat()},
        },
    }
