"""A store's governance news (a tier change, a reinstatement, an appeal or a
contest decided) reaches its merchants' in-page inbox and the API, linking
to the health page; case notifications are untouched."""

from __future__ import annotations

import re

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from notifications.models import Notification
from notifications.services import store_news_notify
from reports.contests import contest_decide, contest_file
from stores.governance import (
    action_decide,
    action_propose,
    appeal_decide,
    appeal_file,
)
from tests import factories as f

pytestmark = pytest.mark.django_db
LIST = "/api/v1/notifications/"
READ = "/api/v1/notifications/read/"


def api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def header_count(page) -> int | None:
    found = re.search(r'data-testid="unread-count">(\d+)<', page.content.decode())
    return int(found.group(1)) if found else None


def decide(store, to_tier, boss):
    action = action_propose(store=store, to_tier=to_tier, score=30)
    return action_decide(action=action, actor=boss, approve=True, reason="纠纷率过高")


@pytest.fixture
def governed():
    """A store (an owner and one staff merchant) suspended, appealed and
    reinstated by the appeal, then reinstated again from warning: four
    notices, and one contest upheld."""
    store = f.StoreFactory()
    helper = f.merchant()
    store.staff.add(helper)
    boss, other = f.supervisor(), f.supervisor()
    suspended = decide(store, "suspended", boss)  # applied
    appeal = appeal_file(action=suspended, actor=store.owner, reason="承运商停运")
    appeal_decide(appeal=appeal, actor=other, overturn=False, reason="证据不足")
    reinstated = decide(store, "warning", boss)  # reinstated
    contest = contest_file(
        dispute=f.case_in_state("negotiation", order=f.OrderFactory(store=store)).case,
        actor=store.owner, grounds="carrier_outage", reason="顺丰停运",
        evidence="停运公告编号 123",
    )  # fmt: skip
    contest_decide(contest=contest, actor=other, uphold=True, reason="属实")
    return {"store": store, "helper": helper, "reinstated": reinstated}


KINDS = [
    "contest_upheld",
    "governance_reinstated",
    "governance_appeal_upheld",
    "governance_applied",
]


def store_news(user):
    return list(
        Notification.objects.filter(recipient=user, case__isnull=True)
        .order_by("-created_at", "-id")
        .values_list("kind", flat=True)
    )


def test_every_notice_and_contest_decision_reaches_owner_and_staff(governed):
    store = governed["store"]
    assert store_news(store.owner) == KINDS
    assert store_news(governed["helper"]) == KINDS
    assert store_news(f.merchant()) == []
    link = f"/reports/store/health/?store={store.pk}"
    assert set(
        Notification.objects.filter(store=store).values_list("link", flat=True)
    ) == {link}


def test_telling_twice_tells_nobody_twice(governed):
    store = governed["store"]
    notice = store.governance_notices.order_by("id").first()
    told = store_news_notify(
        store=store, kind="governance_applied",
        source=f"governance_notice:{notice.pk}", link="/reports/store/health/",
    )  # fmt: skip
    assert told == 2
    assert Notification.objects.filter(recipient=store.owner).count() == 4


def test_the_inbox_page_lists_them_with_the_health_link_and_counts_them(
    client, governed
):
    store = governed["store"]
    client.force_login(store.owner)
    page = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert header_count(page) == 4
    assert text.count(f'href="/reports/store/health/?store={store.pk}"') == 4
    for label in (
        f"{store.name} · Your store&#x27;s tier changed",
        f"{store.name} · Your governance appeal was not granted",
        f"{store.name} · Your store is reinstated",
        f"{store.name} · Contest upheld: the case no longer counts in the score",
    ):
        assert label in text, label
    assert "governance_" not in text and "contest_upheld" not in text
    zh = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "您的店铺等级已调整" in zh.content.decode()


def test_opening_the_health_page_reads_them(client, governed):
    store = governed["store"]
    client.force_login(store.owner)
    assert client.get(f"/reports/store/health/?store={store.pk}").status_code == 200
    assert header_count(client.get("/notifications/")) is None
    # the staff merchant has not looked yet
    client.force_login(governed["helper"])
    assert header_count(client.get("/notifications/")) == 4


def test_mark_read_on_the_page(client, governed):
    owner = governed["store"].owner
    newest = Notification.objects.filter(recipient=owner).first()
    client.force_login(owner)
    client.post("/notifications/read/", {"ids": newest.pk})
    assert header_count(client.get("/notifications/")) == 3


def test_the_api_lists_them_and_marks_them_read(governed):
    store = governed["store"]
    client = api(store.owner)
    body = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").json()
    assert [n["kind"] for n in body["results"]] == KINDS
    first = body["results"][0]
    assert first["case"] is None and first["store"] == store.pk
    assert first["url"] == f"/reports/store/health/?store={store.pk}"
    assert first["label"] == "Contest upheld: the case no longer counts in the score"
    assert first["unread"] is True
    marked = client.post(READ, {"ids": [first["id"]]}, format="json").json()
    assert marked == {"marked": 1, "unread": 3}
    unread = client.get(LIST, {"unread": "true"}).json()["results"]
    assert len(unread) == 3
    assert client.post(READ, {"all": True}, format="json").json() == {
        "marked": 3,
        "unread": 0,
    }


def test_case_notifications_keep_their_shape(run_tasks, governed):
    """The contested case's news still names the case, not the store."""
    run_tasks()
    owner = governed["store"].owner
    case_news = Notification.objects.filter(recipient=owner, case__isnull=False)
    assert [(n.kind, n.store_id, n.link) for n in case_news] == [("open", None, "")]
    body = api(owner).get(LIST).json()["results"]
    opened = [n for n in body if n["kind"] == "open"]
    assert len(opened) == 1 and opened[0]["store"] is None
    assert opened[0]["case"] == case_news.get().case.number
