"""The parties' pages in a real Chromium, in zh-hans, on a phone and a desktop.

The buyer's story from order to ruling on a phone (375 px), the merchant's
queue, an agent opening a case for a buyer who phoned, an old rule version.
Screenshots land in test-results/screenshots/parties-*.png.
"""

from __future__ import annotations

import io
import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from disputes import services
from disputes.models import Dispute
from tests import factories as f

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ZH = "zh-CN"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 860}


def _photo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), "#dfe7f2")
    ImageDraw.Draw(image).rectangle((40, 40, 280, 200), outline="#555555", width=6)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _sign_in(page, base: str, user, lands: str = "/disputes/") -> None:
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm dialogs
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{lands}")


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"scrolls sideways ({width}px)"


def _top(page, selector: str) -> float:
    return page.locator(selector).first.bounding_box()["y"]


@pytest.fixture
def people():
    buyer = f.buyer(username="buyer_phone", display_name="张小梅")
    store = f.StoreFactory(name="潮流前线男装店")
    order = f.OrderFactory(
        number="O2026112000101",
        buyer=buyer,
        store=store,
        total=Decimal("363.00"),
        placed_at=timezone.now() - timedelta(days=4),
        item=None,
    )
    f.OrderItemFactory(order=order, product_name="加厚连帽卫衣 黑色 XL", unit_price=199)
    f.OrderItemFactory(order=order, product_name="束脚运动裤 灰色 L", unit_price=164)
    rules = [
        services.rule_publish(
            actor=None,
            code="quality",
            title="商品质量问题处理规则",
            text="商品存在质量问题的，买家可申请退款。\n商家应在 48 小时内处理。",
        ),
        services.rule_publish(
            actor=None,
            code="quality",
            title="商品质量问题处理规则",
            text="商品存在质量问题的，买家可申请退款。\n商家应在 24 小时内处理。",
        ),
    ]
    agent = f.agent(username="agent_e2e", staff_number="1024")
    return {"buyer": buyer, "store": store, "order": order, "agent": agent,
            "rules": rules}  # fmt: skip


def test_buyer_story_from_order_to_ruling_on_a_phone(
    live_server, new_page, shot, people, tmp_path
):
    base, order = live_server.url, people["order"]
    phone = new_page(locale=ZH, **PHONE)
    _sign_in(phone, base, people["buyer"])
    phone.goto(f"{base}/orders/")
    phone.click(f"a[href='/disputes/new/?order={order.number}']")
    assert phone.input_value("#id_amount") == ""
    assert (
        phone.input_value("#id_reason") == "" and phone.input_value("#id_remedy") == ""
    )
    assert "10 MB" in phone.locator("form.card").inner_text()
    shot(phone, "parties-01-phone-open-form")
    phone.select_option("#id_reason", "quality")
    phone.select_option("#id_remedy", "return_refund")
    phone.click("button[data-fill-target=id_amount]")
    assert phone.input_value("#id_amount") == "363.00"
    phone.fill("#id_description", "卫衣洗了一次就起球严重，袖口开线。")
    photo = tmp_path / "起球.png"
    photo.write_bytes(_photo())
    phone.set_input_files("#id_files", str(photo))
    phone.click("form.card button[type=submit]")
    phone.wait_for_url(f"{base}/disputes/D*/")
    case = Dispute.objects.get(order=order)
    assert "等待商家处理" in phone.locator(".turn").inner_text()
    shot(phone, "parties-02-phone-case-opened")
    _no_sideways_scroll(phone)

    merchant = new_page(locale=ZH, **DESKTOP)
    _sign_in(merchant, base, people["store"].owner)
    assert "待处理" in merchant.locator(".tabs a.active").inner_text()
    shot(merchant, "parties-03-merchant-queue")
    merchant.click(f"text={case.number}")
    merchant.click("details:has(button[data-action=offer]) summary")
    merchant.fill("form:has(button[data-action=offer]) [name=amount]", "150.00")
    merchant.click("button[data-action=offer]")
    merchant.wait_for_url(f"{base}/disputes/{case.number}/")
    merchant.click("details:has(button[data-action=reject]) summary")
    merchant.select_option("#id_preset", "no_quality_problem")
    merchant.fill("form:has(button[data-action=reject]) [name=reason]", "已附质检报告")
    shot(merchant, "parties-04-merchant-reject-presets")
    merchant.click("button[data-action=reject]")
    merchant.wait_for_url(f"{base}/disputes/{case.number}/")

    phone.reload()
    assert phone.locator(".offer-withdrawn").count() == 1
    assert phone.locator("button[data-action=accept_offer]").count() == 0
    assert _top(phone, "#actions") < _top(phone, "#timeline")
    shot(phone, "parties-05-phone-rejected-offer-withdrawn")
    phone.click("details:has(button[data-action=request_intervention]) summary")
    phone.click("button[data-action=request_intervention]")
    phone.wait_for_url(f"{base}/disputes/{case.number}/")

    agent = people["agent"]
    services.dispute_take(dispute=case, actor=agent)
    services.dispute_request_evidence(
        dispute=case, actor=agent, party="buyer", note="请上传袖口开线的近照"
    )
    phone.reload()
    assert _top(phone, ".o-request") < _top(phone, "#timeline")
    assert "客服 1024" in phone.content() and agent.username not in phone.content()
    shot(phone, "parties-06-phone-evidence-request")
    phone.set_input_files(".o-request input[type=file]", str(photo))
    phone.click(".o-request button[type=submit]")
    phone.wait_for_url(f"{base}/disputes/{case.number}/#timeline")
    assert case.evidence_requests.get().status == "answered"

    services.dispute_rule(
        dispute=case,
        actor=agent,
        outcome="buyer",
        liability="merchant",
        amount=Decimal("363.00"),
        rule=people["rules"][1],
        reasoning="照片显示袖口开线，属于质量问题。",
    )
    services.rule_publish(
        actor=None, code="quality", title="商品质量问题处理规则", text="第三版"
    )
    phone.reload()
    assert "平台已作出裁定" in phone.locator(".turn").inner_text()
    shot(phone, "parties-07-phone-ruled")
    _no_sideways_scroll(phone)
    phone.click(".decision .rule-ref a")
    phone.wait_for_url(f"{base}/disputes/rules/quality/v2/")
    assert "这是历史版本" in phone.content()
    shot(phone, "parties-08-phone-rule-version-cited")


def test_merchant_queue_on_desktop_and_phone(live_server, new_page, shot, people):
    store = people["store"]
    for hours in (30, 3, 45):
        story = f.case_in_state("negotiation", store=store)
        Dispute.objects.filter(pk=story.case.pk).update(
            deadline_at=timezone.now() + timedelta(hours=hours)
        )
    f.case_in_state("verification", store=store)
    f.case_in_state("closed", store=store)
    desktop = new_page(locale=ZH, **DESKTOP)
    _sign_in(desktop, base := live_server.url, store.owner)
    counts = desktop.locator(".tabs .count").all_inner_texts()
    # 待处理, 待收货 (goods on their way back), 待买家处理, 平台处理中
    assert counts[:4] == ["3", "0", "0", "1"]
    shot(desktop, "parties-09-merchant-queue-desktop")
    phone = new_page(locale=ZH, **PHONE)
    _sign_in(phone, base, store.owner)
    shot(phone, "parties-10-merchant-queue-phone")
    _no_sideways_scroll(phone)


def test_agent_opens_a_case_for_a_buyer_who_phoned(live_server, new_page, shot, people):
    base, order, agent = live_server.url, people["order"], people["agent"]
    page = new_page(locale=ZH, **DESKTOP)
    _sign_in(page, base, agent, lands="/admin/")
    page.click("a[href='/admin/disputes/dispute/open-for-buyer/']")
    page.fill("#id_order", order.number)
    page.select_option("#id_channel", "phone")
    page.select_option("#id_reason", "not_as_described")
    page.select_option("#id_remedy", "refund_only")
    page.fill("#id_amount", "199.00")
    page.fill("#id_description", "买家来电：卫衣颜色与页面严重不符。")
    shot(page, "parties-11-agent-open-for-buyer")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/disputes/dispute/*/change/")
    case = Dispute.objects.get(order=order)
    assert case.opened_by == agent and case.channel == "phone"
    phone = new_page(locale=ZH, **PHONE)
    _sign_in(phone, base, people["buyer"])
    phone.goto(f"{base}{case.get_absolute_url()}")
    text = phone.content()
    assert "由客服代" in text and "客服 1024" in text and agent.username not in text
    shot(phone, "parties-12-phone-case-opened-by-customer-service")


def test_an_old_rule_version_stays_readable(live_server, new_page, shot, people):
    page = new_page(locale=ZH, **DESKTOP)
    _sign_in(page, live_server.url, people["buyer"])
    page.goto(f"{live_server.url}/disputes/rules/quality/v2/")
    assert page.locator(".diff-added").count() == 1
    assert page.locator(".diff-removed").count() == 1
    shot(page, "parties-13-rule-version-diff")


def _counterfeit_ruling(people):
    """A ¥363.00 order ruled for the buyer under 假一赔三 (¥1,089.00 on top)."""
    from disputes.models import PlatformRule

    rule = PlatformRule.objects.create(
        code="counterfeit",
        version=1,
        title="假冒商品处理规则（假一赔三）",
        text="经核实为假冒商品的，商家退还货款，并按货款的三倍赔付，最低 500 元。",
        compensation_multiple=Decimal("3"),
        compensation_minimum=Decimal("500.00"),
    )
    story = f.case_in_state("verification", order=people["order"], amount="363.00")
    story.agent.staff_number = "2048"
    story.agent.save(update_fields=["staff_number"])
    services.dispute_rule(
        dispute=story.case,
        actor=story.agent,
        outcome="buyer",
        liability="merchant",
        amount=Decimal("363.00"),
        rule=rule,
        reasoning="品牌方鉴定报告确认为假冒商品。",
        compensation=True,
    )
    return story, rule


def _as_each_party(new_page, base, story, people, names):
    """The case page as the buyer (phone) and the merchant (desktop), in Chinese."""
    for who, size, name in zip(
        (people["buyer"], people["store"].owner), (PHONE, DESKTOP), names, strict=True
    ):
        page = new_page(locale=ZH, **size)
        _sign_in(page, base, who)
        page.goto(f"{base}{story.case.get_absolute_url()}")
        yield page, name


def test_fake_one_pay_three_ruling_seen_by_both_parties(
    live_server, new_page, shot, people
):
    story, _rule = _counterfeit_ruling(people)
    names = ("parties-14-phone-compensation-buyer",
             "parties-15-desktop-compensation-merchant")  # fmt: skip
    for page, name in _as_each_party(new_page, live_server.url, story, people, names):
        text = page.locator(".decision").inner_text()
        assert "商家向买家赔付" in text and "¥1,089.00" in text
        shot(page, name)
        assert story.agent.username not in page.content()


def test_compensation_settled_on_appeal_seen_by_both_parties(
    live_server, new_page, shot, people
):
    """The ruling's 假一赔三 is revisited by the supervisor: a smaller amount,
    compensation at the rule's minimum; the excess is the platform's."""
    story, rule = _counterfeit_ruling(people)
    services.dispute_appeal(
        dispute=story.case, actor=people["store"].owner, reason="只有一件是假货。"
    )
    services.dispute_overturn(
        dispute=story.case,
        actor=story.supervisor,
        outcome="buyer",
        liability="merchant",
        amount=Decimal("121.00"),
        rule=rule,
        reasoning="三件中仅一件经鉴定为假冒，按一件退款并赔付。",
        compensation=True,
    )
    names = ("parties-16-phone-appeal-compensation-buyer",
             "parties-17-desktop-appeal-compensation-merchant")  # fmt: skip
    for page, name in _as_each_party(new_page, live_server.url, story, people, names):
        text = page.locator(".appeal").inner_text()
        assert "改判" in text and "¥121.00" in text, text
        assert "商家向买家赔付" in text and "¥500.00" in text, text
        # 363 + 1,089 paid under the ruling; 121 + 500 due now: 831 back.
        assert "平台向商家补偿" in text and "¥831.00" in text, text
        shot(page, name)
