"""Under the strict Content-Security-Policy every page still works in Chromium:
no violation on the portal, the reports, the admin workbench and Swagger."""

from __future__ import annotations

import os

import pytest

from tests import factories as f

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium(browser):
    return browser


def visit_all(chromium, base: str, user, paths: list[str]) -> list[str]:
    """Sign in, open each page; every CSP violation the browser reported."""
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: (
            violations.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text
            or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    context.close()
    return violations


def test_portal_pages_raise_no_csp_violation(chromium, live_server):
    story = f.case_in_state("negotiation")
    paths = ["/disputes/", f"/disputes/{story.case.number}/", "/orders/",
             "/disputes/rules/", "/api/v1/disputes/"]  # fmt: skip
    assert visit_all(chromium, live_server.url, story.merchant, paths) == []


def test_reports_and_admin_raise_no_csp_violation(chromium, live_server):
    story = f.case_in_state("verification")
    paths = ["/reports/", "/admin/", "/admin/disputes/dispute/",
             f"/admin/disputes/dispute/{story.case.pk}/change/",
             "/admin/axes/accessattempt/", "/admin/stores/store/"]  # fmt: skip
    assert visit_all(chromium, live_server.url, story.agent, paths[2:4]) == []
    assert visit_all(chromium, live_server.url, f.supervisor(), paths) == []


def test_swagger_renders_under_the_policy(chromium, live_server):
    user = f.buyer()
    context = chromium.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)  # fmt: skip
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
    page.wait_for_selector(".opblock-tag", timeout=15_000)
    context.close()
    assert violations == []
