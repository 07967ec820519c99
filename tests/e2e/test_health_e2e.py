"""The store health pages in a real browser, in Chinese, at phone and
desktop width: the suspended demo store (its notice and pending appeal),
store 1, and the managers' page. One seeding for all (it is slow)."""

from __future__ import annotations

import os
import re

import pytest

from demo.seeding import seed_demo
from stores.models import Store

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "demo-pass-2026"
WIDTHS = (375, 1280)


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(re.compile(r".*/(reports|disputes|admin)/$"))


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, overflow


def test_health_pages_in_chinese(live_server, new_page, shot):
    seed_demo(cases=200, password=PASSWORD, method="bulk", jobs=1)
    suspended = Store.objects.get(tier="suspended")
    for width in WIDTHS:
        page = new_page(locale="zh-CN", width=width, height=900)
        _sign_in(page, live_server.url, suspended.owner.username)
        page.goto(live_server.url + "/reports/store/health/")
        shot(page, f"health-suspended-zh-{width}")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        body = page.inner_text("body")
        assert "店铺体验分" in body and "已暂停" in body
        assert "不再接收新订单" in body  # the consequence
        assert "须在" in body  # the pending appeal's due time
        assert "纠纷率" in body and "权重" in body
        assert "如何申诉" in body  # the notice
        for raw in ("dispute_rate", "merchant_liability_rate", "Suspended"):
            assert raw not in body
        _no_sideways_scroll(page)

        store1 = new_page(locale="zh-CN", width=width, height=900)
        _sign_in(store1, live_server.url, "merchant1")
        store1.goto(live_server.url + "/reports/store/health/")
        shot(store1, f"health-store1-zh-{width}")
        assert "店铺体验分" in store1.inner_text("body")
        _no_sideways_scroll(store1)

        manager = new_page(locale="zh-CN", width=width, height=900)
        _sign_in(manager, live_server.url, "manager1")
        manager.goto(live_server.url + "/reports/stores/")
        shot(manager, f"health-stores-zh-{width}")
        body = manager.inner_text("body")
        assert "店铺体验分与治理" in body and "申诉" in body
