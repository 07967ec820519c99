"""GET /api/v1/notifications/ and POST /api/v1/notifications/read/."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from disputes import services
from notifications.models import Notification
from tests import factories as f

pytestmark = pytest.mark.django_db
LIST = "/api/v1/notifications/"
READ = "/api/v1/notifications/read/"


def api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_newest_first_with_what_happened(told):
    body = api(told.buyer).get(LIST).json()
    assert [n["kind"] for n in body["results"]] == [
        "message", "start_mediation", "take", "reject",
    ]  # fmt: skip
    first = body["results"][0]
    assert first["case"] == told.case.number
    assert first["label"] == "Message"
    assert first["unread"] is True and first["read_at"] is None
    assert first["url"] == f"/disputes/{told.case.number}/"
    assert set(first) == {
        "id", "case", "store", "kind", "label", "created_at", "read_at", "unread",
        "url",
    }  # fmt: skip


def test_labels_follow_the_readers_language(told):
    client = api(told.buyer)
    body = client.get(LIST, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert body["results"][-1]["label"] == "商家已拒绝"


def test_cursor_pages(told):
    client = api(told.buyer)
    first = client.get(LIST, {"page_size": 3}).json()
    assert len(first["results"]) == 3 and first["next"]
    second = client.get(first["next"]).json()
    assert [n["kind"] for n in second["results"]] == ["reject"]
    assert second["next"] is None


def test_the_unread_filter(told):
    client = api(told.buyer)
    oldest = Notification.objects.filter(recipient=told.buyer).last()
    client.post(READ, {"ids": [oldest.pk]}, format="json")
    unread = client.get(LIST, {"unread": "true"}).json()["results"]
    read = client.get(LIST, {"unread": "false"}).json()["results"]
    assert [n["kind"] for n in unread] == ["message", "start_mediation", "take"]
    assert [n["kind"] for n in read] == ["reject"]


@pytest.mark.parametrize("value", ["yes", "1", "", "TRUE"])
def test_a_bad_filter_value_is_a_400(told, value):
    response = api(told.buyer).get(LIST, {"unread": value})
    assert response.status_code == 400
    assert "unread" in response.json()["errors"]


def test_only_ones_own(told):
    assert api(f.buyer()).get(LIST).json()["results"] == []


def test_mark_some_read(told):
    client = api(told.buyer)
    ids = list(
        Notification.objects.filter(recipient=told.buyer).values_list("pk", flat=True)
    )[:2]
    response = client.post(READ, {"ids": ids}, format="json")
    assert response.status_code == 200
    assert response.json() == {"marked": 2, "unread": 2}
    again = client.post(READ, {"ids": ids}, format="json")
    assert again.json() == {"marked": 0, "unread": 2}  # already read: no change


def test_mark_all_read(told):
    response = api(told.buyer).post(READ, {"all": True}, format="json")
    assert response.json() == {"marked": 4, "unread": 0}


def test_other_peoples_ids_are_ignored(told):
    theirs = Notification.objects.filter(recipient=told.merchant).first()
    response = api(told.buyer).post(READ, {"ids": [theirs.pk]}, format="json")
    assert response.json() == {"marked": 0, "unread": 4}
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"all": False},
        {"ids": []},
        {"ids": "1"},
        {"ids": [1], "all": True},
        {"ids": ["1"]},
        {"ids": [True]},
        {"ids": [0]},
        {"all": "true"},
        {"all": 1},
        {"ids": list(range(1, 502))},
    ],
)
def test_bad_input_is_a_400_and_changes_nothing(told, data):
    response = api(told.buyer).post(READ, data, format="json")
    assert response.status_code == 400, response.json()
    assert set(response.json()) == {"message", "code", "errors"}
    assert Notification.objects.filter(recipient=told.buyer, read_at=None).count() == 4


def test_signed_out_is_a_401():
    assert APIClient().get(LIST).status_code == 401
    assert APIClient().post(READ, {"all": True}, format="json").status_code == 401


def test_the_list_costs_the_same_at_any_length(told, run_tasks):
    client = api(told.buyer)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        counts.append(len(ctx))
        for i in range(20):
            services.message_post(dispute=told.case, actor=told.merchant, body=f"{i}")
        run_tasks()
    assert counts[0] == counts[1], counts
