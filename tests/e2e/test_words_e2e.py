"""The first hour's words in a real Chromium, in zh-hans, at 375 and 1280 px.

Forms check the server's limits before the confirm dialog; the parties read
whose answer is awaited and what they have to do; the workbench greets by
name, titles its lists in words, tells a supervisor why their own ruling's
appeal is not theirs; a buyer at /admin/ is sent home; merchants read buyers
as 张**. Screenshots land in test-results/screenshots/words-*.png.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal

import pytest

from disputes import services
from disputes.models import Dispute
from tests import factories as f

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ZH = "zh-CN"
SIZES = {
    "phone": {"width": 375, "height": 740},
    "desktop": {"width": 1280, "height": 860},
}
VALIDATION = "e => e.validationMessage"  # what the browser says beside the field


def sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"scrolls sideways ({width}px)"


def dialogs_of(page) -> list[str]:
    """Record (and accept) every confirm dialog the page opens."""
    seen: list[str] = []

    def on_dialog(dialog):
        seen.append(dialog.message)
        dialog.accept()

    page.on("dialog", on_dialog)
    return seen


@pytest.fixture
def negotiation():
    buyer = f.buyer(username="buyer_words", display_name="张小梅")
    order = f.OrderFactory(buyer=buyer, total=Decimal("200.00"))
    return f.case_in_state("negotiation", amount="100.00", order=order)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_merchant_form_is_checked_before_it_is_confirmed(
    live_server, new_page, shot, negotiation, size
):
    story = negotiation
    page = new_page(locale=ZH, **SIZES[size])
    seen = dialogs_of(page)
    sign_in(page, live_server.url, story.merchant)
    page.goto(f"{live_server.url}{story.case.get_absolute_url()}")
    assert "张**" in page.locator(".o-summary").inner_text()
    assert "张小梅" not in page.content()

    offer = "form:has(button[data-action=offer])"
    page.click("details:has(button[data-action=offer]) summary")
    page.fill(f"{offer} [name=amount]", "200.00")
    page.click("button[data-action=offer]")
    message = page.eval_on_selector(f"{offer} [name=amount]", VALIDATION)
    assert message == "协商金额必须低于申请金额 ¥100.00。"
    assert seen == []  # no confirm for a form the server would refuse
    shot(page, f"words-01-offer-above-claim-{size}")

    reject = "form:has(button[data-action=reject])"
    page.click("details:has(button[data-action=reject]) summary")
    page.click("button[data-action=reject]")
    message = page.eval_on_selector(f"{reject} [name=reason]", VALIDATION)
    assert message == "请选择或填写拒绝理由。"
    assert seen == []
    assert Dispute.objects.get(pk=story.case.pk).version == story.case.version

    page.fill(f"{offer} [name=amount]", "80")
    page.click("button[data-action=offer]")
    page.wait_for_selector(".messages")
    assert len(seen) == 1 and "¥80.00" in seen[0]
    assert "您的协商金额已发送给买家。" in page.locator(".messages").inner_text()
    assert page.locator(".messages li").count() == 1
    shot(page, f"words-02-offer-sent-{size}")
    no_sideways_scroll(page)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_parties_read_who_answers_and_what_to_do(live_server, new_page, shot, size):
    story = f.case_in_state("mediation", amount="90.00")
    services.dispute_propose(
        dispute=story.case, actor=story.agent, amount=Decimal("60.00"), note="各退一步"
    )
    services.dispute_accept_proposal(dispute=story.case, actor=story.buyer)
    buyer = new_page(locale=ZH, **SIZES[size])
    sign_in(buyer, live_server.url, story.buyer)
    buyer.goto(f"{live_server.url}{story.case.get_absolute_url()}")
    turn = buyer.locator(".turn-text").inner_text()
    assert turn == (
        "您已接受 ¥60.00 的调解方案，正在等待商家确认；商家接受后即向您退款。"
    )
    shot(buyer, f"words-03-buyer-accepted-proposal-{size}")
    no_sideways_scroll(buyer)

    asked = f.case_in_state("verification")
    services.dispute_request_evidence(
        dispute=asked.case, actor=asked.agent, party="merchant", note="请上传发货单"
    )
    merchant = new_page(locale=ZH, **SIZES[size])
    sign_in(merchant, live_server.url, asked.merchant)
    merchant.goto(f"{live_server.url}{asked.case.get_absolute_url()}")
    idle = merchant.locator("[data-testid=idle-text]").inner_text()
    assert idle == "请先回复上方平台的举证要求（1 项待处理）。您也可以留言。"
    assert "目前没有需要您处理的事项" not in merchant.content()
    assert "补充凭证" not in merchant.content()
    shot(merchant, f"words-04-merchant-evidence-request-{size}")
    no_sideways_scroll(merchant)

    ruled = f.case_in_state("ruled")
    reader = new_page(locale=ZH, **SIZES[size])
    sign_in(reader, live_server.url, ruled.buyer)
    reader.goto(f"{live_server.url}{ruled.case.get_absolute_url()}")
    assert reader.locator(".decision .rule-ref").inner_text().startswith("依据规则")
    shot(reader, f"words-05-ruling-rule-cited-{size}")


def appeal_against(supervisor_rules: bool):
    story = f.case_in_state("mediation", amount="100.00")
    services.dispute_rule(
        dispute=story.case, actor=story.supervisor if supervisor_rules else story.agent,
        outcome="buyer", liability="merchant", amount=Decimal("100.00"),
        rule=story.rule, reasoning="证据充分",
    )  # fmt: skip
    services.dispute_appeal(dispute=story.case, actor=story.merchant, reason="新证据")
    return story


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_supervisor_who_ruled_reads_why_the_appeal_is_not_theirs(
    live_server, new_page, shot, size
):
    story = appeal_against(supervisor_rules=True)
    page = new_page(locale=ZH, **SIZES[size])
    sign_in(page, live_server.url, story.supervisor)
    page.goto(f"{live_server.url}/admin/disputes/dispute/{story.case.pk}/change/")
    note = page.locator("[data-testid=refusal]").inner_text()
    assert "被申诉的裁定是您作出的" in note
    assert page.locator("a[data-action=uphold]").count() == 0
    assert page.locator(".breadcrumbs").inner_text().split() == [
        "工作台", "›", "售后单", "›", story.case.number,
    ]  # fmt: skip
    shot(page, f"words-06-own-ruling-appeal-{size}")


def test_appeal_decisions_ask_for_a_review_opinion(live_server, new_page, shot):
    story = appeal_against(supervisor_rules=False)
    page = new_page(locale=ZH, **SIZES["desktop"])
    sign_in(page, live_server.url, story.supervisor)
    page.goto(f"{live_server.url}/admin/disputes/dispute/{story.case.pk}/change/")
    page.click("a[data-action=overturn]")
    page.wait_for_selector("#wb-panel:not([hidden]) form")
    assert page.locator("#wb-panel label[for=id_reasoning]").inner_text() == "复审意见:"
    options = page.locator("#wb-panel #id_rule option").all_inner_texts()
    assert f"{story.rule.title}（第{story.rule.version}版）" in options
    page.check("#wb-panel input[name=outcome][value=buyer]")
    page.click("#wb-panel .submit-row input[type=submit]")
    message = page.eval_on_selector("#wb-panel #id_liability", VALIDATION)
    assert message  # the browser stops at the first empty required field
    page.select_option("#wb-panel #id_liability", "merchant")
    page.select_option("#wb-panel #id_rule", story.rule.code)
    page.fill("#wb-panel #id_reasoning", "复核后改判。")
    page.click("#wb-panel .submit-row input[type=submit]")
    message = page.eval_on_selector("#wb-panel #id_amount", VALIDATION)
    assert message == "请输入买家获得的金额。"
    page.fill("#wb-panel #id_amount", "999.00")
    page.click("#wb-panel .submit-row input[type=submit]")
    message = page.eval_on_selector("#wb-panel #id_amount", VALIDATION)
    assert message.startswith("此订单买家最多可获得 ¥")
    shot(page, "words-07-overturn-checked-in-the-panel-desktop")
    assert Dispute.objects.get(pk=story.case.pk).state == "appeal"


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_workbench_reads_in_chinese(live_server, new_page, shot, size):
    supervisor = f.supervisor(display_name="主管·赵敏")
    for amount in ("12345.60", "88.00", "1999.99"):
        f.case_in_state("complaint", amount=amount, total=Decimal("20000.00"))
    page = new_page(locale=ZH, **SIZES[size])
    sign_in(page, live_server.url, supervisor)
    header = page.locator("#user-tools").inner_text()
    assert "欢迎，主管·赵敏" in header and "登录记录" in header
    assert "AXES" not in page.locator("#content").inner_text().upper()
    shot(page, f"words-08-supervisor-home-{size}")
    page.goto(f"{live_server.url}/admin/disputes/dispute/")
    assert page.locator("#content h1").inner_text() == "售后单队列"
    assert "¥12,345.60" in page.locator("#result_list").inner_text()
    if size == "desktop":
        heights = page.eval_on_selector_all(
            "#result_list thead th",
            "ths => ths.map(th => th.getBoundingClientRect().height)",
        )
        assert max(heights) - min(heights) < 2, heights  # one line each
        overflow = page.eval_on_selector(
            ".results", "r => r.scrollWidth - r.clientWidth"
        )
        assert overflow <= 0, f"the queue scrolls sideways by {overflow}px"
    shot(page, f"words-09-queue-{size}")
    page.click("#user-tools a[data-testid=sign-in-records]")
    assert page.locator("#content h1").inner_text() == "登录尝试记录"
    shot(page, f"words-10-sign-in-records-{size}")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_buyer_at_the_workbench_is_sent_home(live_server, new_page, shot, size):
    buyer = f.buyer(display_name="张小梅")
    page = new_page(locale=ZH, **SIZES[size])
    sign_in(page, live_server.url, buyer)
    page.goto(f"{live_server.url}/admin/")
    title = page.locator("[data-testid=staff-only] h1").inner_text()
    assert title == "仅限平台工作人员"
    assert page.locator("input[name=password]").count() == 0
    shot(page, f"words-11-buyer-at-admin-{size}")
    no_sideways_scroll(page)
    page.click("[data-testid=go-home]")
    page.wait_for_url(re.compile(r".*/disputes/$"))


def test_the_intake_form_is_laid_out_like_the_others(live_server, new_page, shot):
    agent = f.agent()
    page = new_page(locale=ZH, **SIZES["desktop"])
    sign_in(page, live_server.url, agent)
    page.goto(f"{live_server.url}/admin/disputes/dispute/open-for-buyer/")
    lefts = page.eval_on_selector_all(
        ".wb-action-box .form-row input, .wb-action-box .form-row select, "
        ".wb-action-box .form-row textarea",
        "els => els.map(e => Math.round(e.getBoundingClientRect().left))",
    )
    assert len(set(lefts)) == 1, lefts  # one column of fields beside the labels
    shot(page, "words-12-intake-form-desktop")
