"""The agents' flow in a real browser, in Chinese at 1280 px: take the next
case from the home, ask for evidence, receive it, rule — all on the case
page, without one page load after opening the case."""

from __future__ import annotations

import os
import re

import pytest

from disputes import services
from disputes.models import Dispute, ReasoningTemplate
from tests import factories as f
from tests.e2e.test_workbench import _photo, _sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_take_next_ask_receive_rule_without_leaving_the_case(
    live_server, new_page, shot
):
    story = f.case_in_state("complaint", amount="199.00")
    ReasoningTemplate.objects.create(
        rule=story.rule,
        title="支持买家退款",
        text="依据{rule}，买家提供的照片证明商品存在质量问题，商家应退还{amount}。",
    )
    page = new_page(locale="zh-CN", width=1280, height=900)
    _sign_in(page, live_server.url, story.agent)
    shot(page, "40-agent-home-take-next-zh")

    page.click(".wb-home .wb-take-next-button")
    page.wait_for_url(
        re.compile(rf".*/admin/disputes/dispute/{story.case.pk}/change/$")
    )
    page.wait_for_selector(".wb-case-head")
    assert Dispute.objects.get(pk=story.case.pk).assigned_to == story.agent

    loads: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: loads.append(frame.url) if frame == page.main_frame else None,
    )

    # Ask the buyer for evidence in the side panel.
    page.click("a[data-action=request_evidence]")
    page.wait_for_selector("#wb-panel:not([hidden]) form")
    page.select_option("#wb-panel select[name=party]", "buyer")
    page.fill("#wb-panel textarea[name=note]", "请上传商品破损处的清晰照片。")
    shot(page, "41-request-evidence-panel-zh")
    page.click("#wb-panel .submit-row input[type=submit]")
    page.wait_for_selector("#wb-panel", state="hidden")
    page.wait_for_selector(".wb-event.kind-request_evidence")

    # The buyer answers (through the same service the portal uses).
    services.evidence_upload(
        dispute=story.case, actor=story.buyer, file=_photo(),
        description="破损处照片",
    )  # fmt: skip

    # Rule with the rule's text and a template in view.
    page.click("a[data-action=rule]")
    page.wait_for_selector("#wb-panel:not([hidden]) form")
    assert page.locator("#wb-panel input[name=outcome]:checked").count() == 0
    page.check("#wb-panel input[name=outcome][value=buyer]")
    page.select_option("#wb-panel select[name=liability]", "merchant")
    page.fill("#wb-panel input[name=amount]", "199.00")
    page.select_option("#wb-panel select[name=rule]", story.rule.code)
    page.wait_for_selector("#wb-panel [data-rule-body]:not([hidden])")
    assert story.rule.text in page.inner_text("#wb-panel [data-rule-text]")
    page.click("#wb-panel .wb-template")
    reasoning = page.input_value("#wb-panel textarea[name=reasoning]")
    assert "¥199.00" in reasoning
    shot(page, "42-rule-panel-with-rule-zh")
    page.click("#wb-panel .submit-row input[type=submit]")
    page.wait_for_selector("#wb-panel", state="hidden")
    page.wait_for_selector(".wb-event.kind-rule")

    # The buyer's photo arrived on the timeline; it opens in the viewer.
    page.click(".wb-evidence a[data-viewer=image]")
    page.wait_for_selector("#wb-viewer[open]")
    page.click("#wb-viewer [data-zoom=in]")
    shot(page, "43-evidence-viewer-zh")
    page.click("#wb-viewer [data-viewer-close]")
    shot(page, "44-case-ruled-in-place-zh")

    case = Dispute.objects.get(pk=story.case.pk)
    assert (case.state, case.refunded_amount) == ("ruled", 199)
    assert loads == []  # no page load after the case was opened


def test_an_error_stays_in_the_panel_and_changes_nothing(live_server, new_page):
    story = f.case_in_state("mediation", amount="50.00")
    page = new_page(width=1280)
    _sign_in(page, live_server.url, story.agent)
    page.goto(f"{live_server.url}/admin/disputes/dispute/{story.case.pk}/change/")
    page.click("a[data-action=propose]")
    page.wait_for_selector("#wb-panel:not([hidden]) form")
    page.fill("#wb-panel input[name=amount]", "999999.00")
    page.fill("#wb-panel textarea[name=note]", "太多了")
    page.click("#wb-panel .submit-row input[type=submit]")
    # The browser stops it first, with the server's own limit...
    amount = "#wb-panel input[name=amount]"
    assert page.eval_on_selector(amount, "e => e.validationMessage").startswith(
        "At most ¥"
    )
    assert page.locator("#wb-panel:not([hidden]) form").count() == 1
    # ...and the server, asked anyway, answers in the panel, once.
    page.eval_on_selector("#wb-panel form", "form => { form.noValidate = true; }")
    page.click("#wb-panel .submit-row input[type=submit]")
    page.wait_for_selector("#wb-panel:not([hidden]) .errorlist, #wb-panel .errornote")
    assert page.locator("#wb-panel .errorlist li").count() == 1
    assert Dispute.objects.get(pk=story.case.pk).version == story.case.version


def test_keyboard_shortcuts_overlay(live_server, new_page, shot):
    story = f.case_in_state("verification")
    page = new_page(locale="zh-CN", width=1280)
    _sign_in(page, live_server.url, story.agent)
    page.goto(f"{live_server.url}/admin/disputes/dispute/")
    page.keyboard.press("?")
    page.wait_for_selector("#wb-keys[open]")
    shot(page, "45-shortcuts-zh")
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_selector(".wb-case-head")
    page.keyboard.press("a")
    page.wait_for_selector("#wb-panel:not([hidden]) form")
