"""The store health page in a real browser, in Chinese, at phone and desktop
width: the suspended demo store (its notice and pending appeal) and store 1."""

from __future__ import annotations

import os
import re

import pytest

from demo.seeding import seed_demo
from stores.models import Store

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "demo-pass-2026"


@pytest.fixture
def demo():
    seed_demo(cases=300, password=PASSWORD)


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(re.compile(r".*/(reports|disputes|admin)/$"))


@pytest.mark.parametrize("width", [375, 1280])
def test_health_page_in_chinese(live_server, new_page, shot, demo, width):
    suspended = Store.objects.get(tier="suspended")
    page = new_page(locale="zh-CN", width=width, height=900)
    _sign_in(page, live_server.url, suspended.owner.username)
    page.goto(live_server.url + "/reports/store/health/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    body = page.inner_text("body")
    assert "店铺体验分" in body and "已暂停" in body
    assert "不再接收新订单" in body  # the consequence
    assert "须在" in body  # the pending appeal's due time
    assert "纠纷率" in body and "权重" in body
    for raw in ("suspended", "dispute_rate", "merchant_liability_rate"):
        assert raw not in body
    # No horizontal scrolling at phone width.
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, overflow
    shot(page, f"health-suspended-zh-{width}")

    store1 = new_page(locale="zh-CN", width=width, height=900)
    _sign_in(store1, live_server.url, "merchant1")
    store1.goto(live_server.url + "/reports/store/health/")
    assert "店铺体验分" in store1.inner_text("body")
    shot(store1, f"health-store1-zh-{width}")


@pytest.mark.parametrize("width", [375, 1280])
def test_managers_stores_page_in_chinese(live_server, new_page, shot, demo, width):
    page = new_page(locale="zh-CN", width=width, height=900)
    _sign_in(page, live_server.url, "manager1")
    page.goto(live_server.url + "/reports/stores/")
    body = page.inner_text("body")
    assert "店铺体验分与治理" in body and "申诉" in body
    shot(page, f"health-stores-zh-{width}")
