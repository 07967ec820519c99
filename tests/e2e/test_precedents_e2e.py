"""The ruling form shows the precedents and their majority, in Chinese, on a
wide screen and a phone; a departing ruling is refused at its field."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from disputes.models import Ruling
from tests import factories as f

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESCRIPTIONS = ["衣服有破洞，领口开线", "收到的衣服袖子有破洞", "衣服洗一次就破洞了"]


@pytest.fixture
def story():
    # The browser's live server needs committed rows: build them in one
    # transaction (the rollups lock the case row, which PostgreSQL allows
    # only inside one).
    with transaction.atomic():
        story = f.case_in_state("mediation", amount="120.00")
        category = story.case.store.category
        for n in range(6):
            store = f.StoreFactory(category=category)
            order = f.OrderFactory(store=store, total=Decimal("200.00"))
            at = timezone.now() - timedelta(days=n + 1)
            outcome = "merchant" if n < 5 else "buyer"
            case = f.DisputeFactory(
                order=order,
                amount=Decimal("100.00") + n * 10,
                description=DESCRIPTIONS[n % 3],
                merchant_response="rejected",
                state="closed",
                ruled_at=at,
                outcome=outcome,
                liability="none" if outcome == "merchant" else "merchant",
            )
            Ruling.objects.create(
                dispute=case,
                outcome=outcome,
                liability=case.liability,
                rule=story.rule,
                reasoning="依规则裁定",
                decided_by=story.agent,
                decided_at=at,
            )
    return story


def _sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))


@pytest.mark.parametrize("width", [1280, 375])
def test_ruling_form_shows_precedents_in_chinese(
    live_server, new_page, shot, story, width
):
    page = new_page(locale="zh-CN", width=width, height=900)
    _sign_in(page, live_server.url, story.agent)
    page.goto(f"{live_server.url}/admin/disputes/dispute/{story.case.pk}/act/rule/")
    panel = page.locator("[data-testid=precedents]")
    panel.wait_for()
    text = panel.inner_text()
    assert "类案" in text
    assert "多数结果" in text and "支持商家" in text
    assert "6 件相似案件中 83% 为“支持商家”" in text
    assert panel.locator("tbody tr").count() == 6
    assert page.locator("textarea[name=departure_reason]").is_visible()
    # Nothing of the page is wider than the screen (the table scrolls itself).
    shot(page, f"precedents-ruling-form-zh-{width}")
    wide = page.evaluate(
        "[...document.querySelectorAll('[data-testid=precedents], "
        "[data-testid=precedents] *')].filter(e => e.getBoundingClientRect().right"
        " > document.documentElement.clientWidth + 1 && !e.closest("
        "'.wb-precedents-scroll')).map(e => e.tagName + '.' + e.className)"
    )
    assert wide == []

    if width == 1280:
        page.check("input[name=outcome][value=buyer]")
        page.select_option("select[name=liability]", "merchant")
        page.fill("input[name=amount]", "120.00")
        page.select_option("select[name=rule]", story.rule.code)
        page.fill("textarea[name=reasoning]", "照片显示衣服有破洞")
        page.click(".submit-row input[type=submit]")
        error = page.locator(".field-departure_reason .errorlist")
        error.wait_for()
        assert "偏离" in error.inner_text()
        shot(page, "precedents-departure-refused-zh-1280")
