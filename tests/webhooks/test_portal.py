"""The merchant's webhook pages: register, see the secret once, see deliveries."""

from __future__ import annotations

import pytest

from disputes import services
from tests import factories as f
from webhooks import services as webhook_services
from webhooks.models import WebhookEndpoint

from .conftest import run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    def _login(user):
        client.logout()
        client.force_login(user)
        return client

    return _login


def test_merchant_pages_link_to_webhooks(login):
    story = f.case_in_state("negotiation")
    page = login(story.merchant).get("/disputes/")
    assert b'href="/webhooks/"' in page.content
    assert b'href="/webhooks/"' not in login(story.buyer).get("/disputes/").content


def test_register_then_see_the_secret_once(login, receiver):
    store = f.StoreFactory()
    client = login(store.owner)
    assert client.get("/webhooks/").status_code == 200
    response = client.post(
        "/webhooks/",
        {"url": receiver.url, "events": ["dispute.opened", "dispute.ruled"],
         "store": store.pk},
    )  # fmt: skip
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/webhooks/{endpoint.pk}/"
    first = client.get(response["Location"])
    assert endpoint.secret.encode() in first.content
    again = client.get(response["Location"])
    assert endpoint.secret.encode() not in again.content
    assert endpoint.events == ["dispute.opened", "dispute.ruled"]
    listing = client.get("/webhooks/")
    assert receiver.url.encode() in listing.content
    assert b"The platform ruled" in listing.content  # events by their meaning


def test_a_private_url_is_refused_on_the_page(login, settings):
    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_LOOPBACK = None
    store = f.StoreFactory()
    response = login(store.owner).post(
        "/webhooks/", {"url": "https://10.0.0.1/hook", "store": store.pk}
    )
    assert response.status_code == 200
    assert b"public" in response.content
    assert not WebhookEndpoint.objects.exists()


def test_rotate_shows_the_new_secret_and_delete_removes(login, receiver):
    store = f.StoreFactory()
    client = login(store.owner)
    client.post("/webhooks/", {"url": receiver.url, "store": store.pk})
    endpoint = WebhookEndpoint.objects.get()
    client.get(endpoint.get_absolute_url())
    old = endpoint.secret
    page = client.post(f"/webhooks/{endpoint.pk}/rotate/", follow=True)
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret.encode() in page.content
    client.post(f"/webhooks/{endpoint.pk}/delete/")
    assert not WebhookEndpoint.objects.exists()


def test_deliveries_and_attempts_are_listed(login, receiver):
    receiver.status = 500
    story = f.case_in_state("negotiation")
    client = login(story.merchant)
    client.post("/webhooks/", {"url": receiver.url, "store": story.case.store.pk})
    services.dispute_accept(dispute=story.case, actor=story.merchant)
    run_tasks()
    endpoint = WebhookEndpoint.objects.get()
    page = client.get(endpoint.get_absolute_url()).content.decode()
    assert story.case.number in page
    assert "500" in page


def test_a_disabled_endpoint_can_be_turned_on_again(login, receiver):
    store = f.StoreFactory()
    client = login(store.owner)
    client.post("/webhooks/", {"url": receiver.url, "store": store.pk})
    WebhookEndpoint.objects.update(active=False, disabled_reason="HTTP 500")
    endpoint = WebhookEndpoint.objects.get()
    client.post(f"/webhooks/{endpoint.pk}/enable/")
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.disabled_reason == ""


@pytest.mark.parametrize(
    "path",
    ["/webhooks/{pk}/", "/webhooks/{pk}/rotate/", "/webhooks/{pk}/delete/",
     "/webhooks/{pk}/enable/"],
)  # fmt: skip
def test_another_merchants_endpoint_is_404(login, receiver, path):
    store = f.StoreFactory()
    login(store.owner).post("/webhooks/", {"url": receiver.url, "store": store.pk})
    endpoint = WebhookEndpoint.objects.get()
    stranger = login(f.StoreFactory().owner)
    url = path.format(pk=endpoint.pk)
    response = stranger.post(url) if path.count("/") > 3 else stranger.get(url)
    assert response.status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.active


@pytest.mark.parametrize("role", ["buyer", "agent", "manager"])
def test_other_roles_get_404(login, role):
    assert login(getattr(f, role)()).get("/webhooks/").status_code == 404


def test_a_switched_off_endpoint_says_so_and_how_to_turn_it_on(login, receiver):
    store = f.StoreFactory()
    client = login(store.owner)
    client.post("/webhooks/", {"url": receiver.url, "store": store.pk})
    endpoint = WebhookEndpoint.objects.get()
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    on = client.get(endpoint.get_absolute_url(), **zh).content.decode()
    assert 'data-testid="endpoint-disabled"' not in on
    webhook_services.endpoint_disable(endpoint=endpoint, reason="HTTP 500")
    page = client.get(endpoint.get_absolute_url(), **zh).content.decode()
    assert 'data-testid="endpoint-disabled"' in page
    assert "已停用" in page and "HTTP 500" in page and "重新启用" in page
    listing = client.get("/webhooks/", **zh).content.decode()
    assert 'data-testid="endpoints-disabled"' in listing
    client.post(f"/webhooks/{endpoint.pk}/enable/")
    page = client.get(endpoint.get_absolute_url()).content.decode()
    assert 'data-testid="endpoint-disabled"' not in page
    listing = client.get("/webhooks/").content.decode()
    assert 'data-testid="endpoints-disabled"' not in listing


def test_support_sees_in_the_admin_that_an_endpoint_is_off(login, receiver):
    store = f.StoreFactory()
    login(store.owner).post("/webhooks/", {"url": receiver.url, "store": store.pk})
    endpoint = WebhookEndpoint.objects.get()
    path = f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/"
    client = login(f.agent())
    assert '<li class="warning">' not in client.get(path).content.decode()
    webhook_services.endpoint_disable(endpoint=endpoint, reason="HTTP 500")
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    notice = page.split('<li class="warning">')[1].split("</li>")[0]
    assert f"/webhooks/{endpoint.pk}/" in notice and "停用" in notice
