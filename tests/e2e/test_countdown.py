"""One countdown script for the parties' case page and the agents' workbench:
the same wording and tones in both, ticking on without a page load."""

from __future__ import annotations

import os
import re

import pytest

from tests import factories as f

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LEFT = re.compile(r"^(\d+d \d+h|\d+h \d+min|\d+min) left$")
OVERDUE = re.compile(r"^overdue (\d+d \d+h|\d+h \d+min|\d+min)$")


def _sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state("networkidle")


def _countdowns(page) -> list[tuple[str, str]]:
    return page.eval_on_selector_all(
        "[data-countdown]", "els => els.map(e => [e.textContent, e.className])"
    )


@pytest.mark.parametrize("viewer", ["merchant", "agent"])
def test_deadlines_count_down_alike_on_the_portal_and_the_workbench(
    viewer, new_page, live_server
):
    story = f.case_in_state("negotiation" if viewer == "merchant" else "verification")
    path = (
        story.case.get_absolute_url()
        if viewer == "merchant"
        else f"/admin/disputes/dispute/{story.case.pk}/change/"
    )
    page = new_page()
    page.clock.install()
    _sign_in(page, live_server.url, getattr(story, viewer))
    page.goto(live_server.url + path)
    ticking = _countdowns(page)
    assert ticking, "the page shows a countdown"
    for text, tone in ticking:
        assert LEFT.match(text), text
        assert tone in ("wb-left tone-ok", "wb-left tone-warn")
    page.clock.fast_forward(30 * 24 * 3600 * 1000)  # 30 days on: every deadline passed
    for text, tone in _countdowns(page):
        assert OVERDUE.match(text), text
        assert tone == "wb-left tone-danger"


def test_the_countdown_speaks_the_readers_language(new_page, live_server):
    story = f.case_in_state("negotiation")
    page = new_page(locale="zh-CN")
    _sign_in(page, live_server.url, story.merchant)
    page.goto(live_server.url + story.case.get_absolute_url())
    text, _tone = _countdowns(page)[0]
    assert "left" not in text and re.search(r"\d", text)
