"""`/api/v1/webhooks/`: merchants manage their own stores' endpoints only."""

from __future__ import annotations

import pytest

from disputes import services
from tests import factories as f
from webhooks.models import WebhookEndpoint

from .conftest import run_tasks

pytestmark = pytest.mark.django_db

BASE = "/api/v1/webhooks/"


@pytest.fixture
def store():
    return f.StoreFactory()


def create(api, user, **body):
    return api(user).post(BASE, body, format="json")


def test_register_answers_201_with_the_secret_once(api, store, receiver):
    response = create(api, store.owner, url=receiver.url, events=["dispute.ruled"])
    assert response.status_code == 201
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert (body["store"], body["url"], body["events"], body["active"]) == (
        store.pk,
        receiver.url,
        ["dispute.ruled"],
        True,
    )
    listed = api(store.owner).get(BASE).json()
    assert [e["id"] for e in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in api(store.owner).get(f"{BASE}{body['id']}/").json()


def test_every_event_when_none_are_named(api, store, receiver):
    body = create(api, store.owner, url=receiver.url).json()
    assert body["events"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "https://10.0.0.1/hook"}, "url"),
        ({"url": "http://example.com/hook"}, "url"),
        ({"url": 12}, "url"),
        ({}, "url"),
        ({"url": "http://127.0.0.1/x", "events": ["dispute.exploded"]}, "events"),
        ({"url": "http://127.0.0.1/x", "events": "dispute.ruled"}, "events"),
        ({"url": "http://127.0.0.1/x", "store": 999999}, "store"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, store, receiver, body, field):
    response = create(api, store.owner, **body)
    assert response.status_code == 400
    assert any(key.split(".")[0] == field for key in response.json()["errors"])
    assert not WebhookEndpoint.objects.exists()


def test_a_merchant_of_two_stores_names_the_store(api, receiver):
    first = f.StoreFactory()
    second = f.StoreFactory()
    second.staff.add(first.owner)
    response = create(api, first.owner, url=receiver.url)
    assert response.status_code == 400 and "store" in response.json()["errors"]
    response = create(api, first.owner, url=receiver.url, store=second.pk)
    assert response.status_code == 201
    assert response.json()["store"] == second.pk


def test_rotate_gives_a_new_secret(api, store, receiver):
    body = create(api, store.owner, url=receiver.url).json()
    rotated = api(store.owner).post(f"{BASE}{body['id']}/rotate/")
    assert rotated.status_code == 200
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != body["secret"]


def test_delete_answers_204(api, store, receiver):
    body = create(api, store.owner, url=receiver.url).json()
    assert api(store.owner).delete(f"{BASE}{body['id']}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_deliveries_show_each_attempt(api, receiver):
    story = f.case_in_state("negotiation")
    body = create(api, story.merchant, url=receiver.url).json()
    services.dispute_accept(dispute=story.case, actor=story.merchant)
    run_tasks()
    [delivery] = api(story.merchant).get(f"{BASE}{body['id']}/deliveries/").json()
    assert (delivery["event_type"], delivery["case"], delivery["status"]) == (
        "dispute.accepted",
        story.case.number,
        "succeeded",
    )
    [attempt] = delivery["attempt_log"]
    assert attempt["response_code"] == 204 and attempt["succeeded"] is True


@pytest.mark.parametrize(
    ("method", "tail"),
    [("get", ""), ("delete", ""), ("post", "rotate/"), ("get", "deliveries/")],
)
def test_another_merchants_endpoint_is_404(api, store, receiver, method, tail):
    body = create(api, store.owner, url=receiver.url).json()
    stranger = f.StoreFactory().owner
    response = getattr(api(stranger), method)(f"{BASE}{body['id']}/{tail}")
    assert response.status_code == 404
    assert receiver.url not in response.content.decode()
    assert WebhookEndpoint.objects.filter(pk=body["id"]).exists()


@pytest.mark.parametrize("role", ["buyer", "agent", "supervisor", "manager"])
def test_other_roles_may_not_use_webhooks(api, role):
    user = getattr(f, role)()
    assert api(user).get(BASE).status_code == 403
    assert create(api, user, url="https://example.com/").status_code == 403


def test_anonymous_is_401(client):
    assert client.get(BASE).status_code == 401


@pytest.mark.parametrize("lookup", ["0.5", "abc", "99999999", "-1"])
def test_an_unknown_id_is_a_json_404(api, store, lookup):
    response = api(store.owner).get(f"{BASE}{lookup}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
