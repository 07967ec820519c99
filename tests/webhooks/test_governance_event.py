"""A governance action reaches the store's webhooks as store.governance_changed."""

import pytest

from stores.governance import action_decide, action_propose
from tests import factories as f
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def test_governance_changed_is_delivered_with_the_notice():
    store = f.StoreFactory()
    WebhookEndpoint.objects.create(
        store=store, url="https://example.com/hook", secret="whsec_x",
        created_by=store.owner, events=["store.governance_changed"],
    )  # fmt: skip
    action = action_propose(store=store, to_tier="warning", score=60)
    action_decide(action=action, actor=f.supervisor(), approve=True, reason="纠纷率高")
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_type == "store.governance_changed"
    data = delivery.payload["data"]
    assert data["store"] == store.pk
    assert data["action"]["to_tier"] == "warning"
    assert data["action"]["rule_version"] == 1
    assert data["action"]["reason"] == "纠纷率高"
    assert "如何申诉" in data["notice"]["body"]
