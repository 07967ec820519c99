"""The unread count in the header and marking read, in a real browser (zh-hans)."""

from __future__ import annotations

import os

import pytest

from disputes import services
from tests import factories as f
from tests.conftest import run_queued_tasks

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base: str, username: str, lands_on: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{lands_on}")


def _count(page) -> str | None:
    badge = page.locator("[data-testid=unread-count]")
    return badge.inner_text() if badge.count() else None


def test_header_count_and_marking_read(live_server, new_page, shot):
    base = live_server.url
    story = f.case_in_state("verification")
    services.dispute_start_mediation(dispute=story.case, actor=story.agent)
    services.message_post(
        dispute=story.case, actor=story.merchant, body="您好，我们愿意退一半货款。"
    )
    run_queued_tasks()

    buyer = new_page(locale="zh-CN", width=1280)
    _sign_in(buyer, base, story.buyer.username, "/disputes/")
    assert _count(buyer) == "4"
    assert buyer.locator("table.cases .new-dot").count() == 1
    shot(buyer, "notifications-01-buyer-header-count-1280")

    buyer.click("[data-testid=notifications-link]")
    buyer.wait_for_url(f"{base}/notifications/")
    assert buyer.locator("h1").inner_text() == "消息通知"
    assert buyer.locator("li.notif.unread").count() == 4
    shot(buyer, "notifications-02-list-1280")

    buyer.locator("li.notif.unread").first.locator("button").click()
    buyer.wait_for_url(f"{base}/notifications/")
    assert _count(buyer) == "3"
    assert buyer.locator("li.notif.unread").count() == 3

    buyer.click("[data-testid=mark-all-read]")
    buyer.wait_for_url(f"{base}/notifications/")
    assert _count(buyer) is None
    assert buyer.locator("li.notif.unread").count() == 0
    assert "已将 3 条标为已读。" in buyer.locator(".messages").inner_text()
    shot(buyer, "notifications-03-all-read-1280")

    # Something new: the count and the list row say so until the case is opened.
    services.message_post(dispute=story.case, actor=story.merchant, body="请确认。")
    run_queued_tasks()
    buyer.goto(f"{base}/disputes/")
    assert _count(buyer) == "1"
    assert buyer.locator("table.cases .new-dot").count() == 1
    buyer.click(f"text={story.case.number}")
    buyer.wait_for_url(f"{base}/disputes/{story.case.number}/")
    assert _count(buyer) is None
    buyer.goto(f"{base}/disputes/")
    assert buyer.locator("table.cases .new-dot").count() == 0

    phone = new_page(locale="zh-CN", width=375, height=740)
    _sign_in(phone, base, story.merchant.username, "/disputes/")
    assert _count(phone) is not None
    shot(phone, "notifications-04-merchant-header-375")
    phone.click("[data-testid=notifications-link]")
    phone.wait_for_url(f"{base}/notifications/")
    shot(phone, "notifications-05-list-375")

    agent = new_page(locale="zh-CN", width=1280)
    _sign_in(agent, base, story.agent.username, "/admin/")
    assert _count(agent) == "2"  # the merchant's two messages
    agent.goto(f"{base}/admin/disputes/dispute/")
    assert agent.locator("#result_list .wb-new").count() == 1
    shot(agent, "notifications-06-workbench-1280")
