"""The workbench in a real browser: an agent's whole case, a supervisor's appeal."""

from __future__ import annotations

import io
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from disputes import services
from disputes.models import CannedReply, Dispute, DisputeEvent
from tests import factories as f

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _photo() -> SimpleUploadedFile:
    image = Image.new("RGB", (320, 220), (236, 239, 241))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 280, 180), outline=(198, 40, 40), width=6)
    draw.ellipse((130, 90, 190, 140), fill=(120, 120, 120))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("破洞照片.png", buffer.getvalue(), "image/png")


def _sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))


def _act(page, action: str) -> None:
    """Open an action in the case page's side panel (no page load)."""
    page.click(f"a[data-action={action}]")
    page.wait_for_selector("#wb-panel:not([hidden]) form")


def _submit(page) -> None:
    """Submit the panel; the case reloads in place with the result."""
    page.click("#wb-panel .submit-row input[type=submit]")
    page.wait_for_selector("#wb-panel", state="hidden")
    page.wait_for_selector(".messagelist .success")


@pytest.fixture
def story():
    """A complaint waiting for pick-up, with a photo from the buyer."""
    story = f.case_in_state("complaint", amount="150.00")
    services.evidence_upload(
        dispute=story.case, actor=story.buyer, file=_photo(), description="领口有破洞"
    )
    services.message_post(
        dispute=story.case, actor=story.buyer, body="衣服收到就有破洞，请平台处理。"
    )
    CannedReply.objects.create(
        reason="quality", title="已收到，核实中", body="您好，平台已介入，正在核实。"
    )
    f.case_in_state("negotiation")
    f.case_in_state("mediation")
    return story


def test_agent_works_a_complaint_to_a_ruling(live_server, new_page, shot, story):
    page = new_page()
    base = live_server.url
    _sign_in(page, base, story.agent)
    shot(page, "01-agent-home")
    assert page.locator("[data-count=unassigned] .wb-card-count").inner_text() == "1"

    page.click("[data-count=unassigned]")
    page.wait_for_selector("#result_list")
    shot(page, "02-agent-queue-unassigned")
    page.click(f"#result_list a:text('{story.case.number}')")
    page.wait_for_selector(".wb-case-head")
    shot(page, "03-case-page-complaint")

    _act(page, "take")
    shot(page, "04-take-form")
    _submit(page)
    assert page.locator(".messagelist .success").count() == 1

    _act(page, "request_evidence")
    page.select_option("#id_party", "merchant")
    page.fill("#id_note", "请提供发货前的商品照片和质检记录。")
    shot(page, "05-request-evidence-form")
    _submit(page)

    page.select_option("select[data-canned-target]", index=1)
    page.click("button[name=kind][value=public]")
    # The previous action's success message is already on the page: wait for
    # the reply itself on the timeline before acting again.
    page.wait_for_selector(".wb-event-body:has-text('平台已介入，正在核实')")

    _act(page, "start_mediation")
    _submit(page)
    _act(page, "propose")
    page.fill("#id_amount", "120.00")
    page.fill("#id_note", "建议商家退款120元，双方和解。")
    shot(page, "06-propose-form")
    _submit(page)

    _act(page, "rule")
    page.check("input[name=outcome][value=buyer]")
    page.select_option("#id_liability", "merchant")
    page.fill("#id_amount", "150.00")
    page.select_option("#id_rule", story.rule.code)
    page.fill(
        "#id_reasoning", "买家照片显示领口破洞，商家未提供质检记录，依规则支持退款。"
    )
    shot(page, "07-rule-form")
    _submit(page)
    shot(page, "08-case-page-ruled")

    case = Dispute.objects.get(pk=story.case.pk)
    assert case.state == "ruled"
    assert case.refunded_amount == 150
    assert case.ruling.rule == story.rule
    actions = list(
        DisputeEvent.objects.filter(dispute=case).values_list("action", flat=True)
    )
    for expected in ("take", "request_evidence", "message", "start_mediation",
                     "propose", "rule"):  # fmt: skip
        assert expected in actions


def test_supervisor_decides_an_appeal(live_server, new_page, shot):
    story = f.case_in_state("appeal", amount="80.00")
    page = new_page()
    _sign_in(page, live_server.url, story.supervisor)
    shot(page, "10-supervisor-home")
    page.click("[data-count=appeals]")
    page.wait_for_selector("#result_list")
    shot(page, "11-supervisor-appeals")
    page.click(f"#result_list a:text('{story.case.number}')")
    page.wait_for_selector(".wb-case-head")
    shot(page, "12-case-page-appeal")
    # The supervisor did not rule this case, so both decisions are offered.
    assert page.locator("a[data-action=uphold]").count() == 1
    assert page.locator("a[data-action=overturn]").count() == 1
    _act(page, "uphold")
    page.fill("#id_reasoning", "复核证据后维持原裁定。")
    shot(page, "13-uphold-form")
    _submit(page)
    shot(page, "14-case-page-upheld")
    case = Dispute.objects.get(pk=story.case.pk)
    assert (case.state, case.resolution) == ("closed", "upheld")


def test_case_page_in_chinese(live_server, new_page, shot, story):
    page = new_page(locale="zh-CN")
    _sign_in(page, live_server.url, story.agent)
    page.goto(f"{live_server.url}/admin/disputes/dispute/{story.case.pk}/change/")
    page.wait_for_selector(".wb-case-head")
    shot(page, "20-case-page-zh")
    assert "衣服收到就有破洞" in page.content()


def test_agent_approves_a_store_and_reads_a_rule(live_server, new_page, shot):
    story = f.case_in_state("ruled")
    pending = f.StoreFactory(name="鲜果日记旗舰店", status="pending", region="广东")
    page = new_page()
    _sign_in(page, live_server.url, story.agent)
    page.click("[data-count=stores_pending]")
    page.wait_for_selector("#result_list")
    shot(page, "30-store-review-queue")
    page.click("#result_list a:text('鲜果日记旗舰店')")
    page.click("a.wb-review-approve")
    page.fill("#id_reason", "营业执照与食品经营许可证齐全。")
    shot(page, "31-store-approve-form")
    page.click(".submit-row input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    pending.refresh_from_db()
    assert pending.status == "active"
    page.goto(f"{live_server.url}/admin/stores/store/{story.case.store_id}/change/")
    page.wait_for_selector(".wb-store-figures")
    shot(page, "32-store-page-figures")
    page.goto(f"{live_server.url}/admin/disputes/platformrule/{story.rule.pk}/change/")
    page.click("text=Publish a new version")
    page.wait_for_url(re.compile(r".*/platformrule/add/.*"))
    page.fill("#id_text", "商品存在质量问题的，买家可申请退款；商家应在48小时内响应。")
    shot(page, "33-rule-new-version-form")
    page.click("input[name=_save]")
    page.wait_for_selector("#result_list")
    shot(page, "34-rule-versions")
    assert story.rule.__class__.objects.filter(code=story.rule.code).count() == 2
