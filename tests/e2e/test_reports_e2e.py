"""The report pages in a real browser, in Chinese, at desktop and phone width."""

from __future__ import annotations

import os
import re

import pytest

from demo.seeding import seed_demo
from reports.models import Rollup

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "demo-pass-2026"


@pytest.fixture
def demo():
    seed_demo(cases=400, password=PASSWORD, method="bulk", jobs=1)
    assert Rollup.objects.exists()  # the seeder's bulk load was rolled up


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(re.compile(r".*/(reports|disputes)/$"))


@pytest.mark.parametrize("width", [1280, 375])
def test_manager_pages(live_server, new_page, shot, demo, width):
    page = new_page(locale="zh-CN", width=width, height=900)
    _sign_in(page, live_server.url, "manager1")
    for name, path in (
        ("overview", "/reports/?group_by=month"),
        ("outliers", "/reports/outliers/"),
        ("agents", "/reports/agents/"),
        ("breakdown", "/reports/breakdown/?group_by=category"),
        ("service", "/reports/service/?group_by=month"),
    ):
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        assert page.locator("table").count() >= 1
        body = page.inner_text("body")
        assert "intervened_at" not in body and "Intervention rate" not in body
        if name == "overview":
            assert "介入率" in body and re.search(r"\d+\.\d%", body)
        shot(page, f"reports-{name}-zh-{width}")
    page.goto(live_server.url + "/reports/?store=abc&reason=bored")
    assert "部分筛选条件无效" in page.inner_text("body")


@pytest.mark.parametrize("width", [1280, 375])
def test_merchant_page(live_server, new_page, shot, demo, width):
    page = new_page(locale="zh-CN", width=width, height=900)
    _sign_in(page, live_server.url, "merchant1")
    page.click("a[href='/reports/store/']")
    page.wait_for_url(re.compile(r".*/reports/store/$"))
    assert "类目中位数" in page.inner_text("body")
    page.locator("table.wide tbody a").last.click()
    page.wait_for_url(re.compile(r".*month=.*"))
    assert page.locator("#cases table tbody tr").count() >= 1
    shot(page, f"reports-store-zh-{width}")
