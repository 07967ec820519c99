"""The buyer and merchant story in a real browser, with screenshots of each page.

A buyer signs in, opens a dispute from the orders page with a photo, the
merchant signs in and rejects it, the buyer asks the platform to step in;
the last pages are also shot at a phone's width (375 px).
"""

from __future__ import annotations

import io
import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from disputes.models import Dispute, DisputeEvent
from tests import factories as f

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _photo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), "#f4d9c6")
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 40, 260, 200), fill="#fbfbfb", outline="#888888", width=4)
    draw.ellipse((140, 100, 190, 150), fill="#5a4636")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def people():
    buyer = f.buyer(username="buyer_e2e")
    store = f.StoreFactory(name="杭州优选服饰旗舰店")
    now = timezone.now()
    order = f.OrderFactory(
        number="O2026052000101",
        buyer=buyer,
        store=store,
        total=Decimal("239.00"),
        placed_at=now - timedelta(days=4),
        item=None,
    )
    f.OrderItemFactory(order=order, product_name="纯棉短袖T恤 白色 L", unit_price=159)
    f.OrderItemFactory(order=order, product_name="休闲短裤 卡其", unit_price=80)
    f.OrderFactory(
        number="O2026050200077",
        buyer=buyer,
        store=f.StoreFactory(name="宁波家居生活馆"),
        total=Decimal("89.90"),
        placed_at=now - timedelta(days=30),
    )
    f.PlatformRuleFactory(code="quality-1", title="商品质量问题处理规则")
    return {"buyer": buyer, "merchant": store.owner, "order": order}


def _sign_in(page, base: str, username: str) -> None:
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm dialogs
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/disputes/")


def test_buyer_opens_merchant_rejects_buyer_asks_platform(
    live_server, new_page, shot, people, tmp_path
):
    base = live_server.url
    order = people["order"]

    buyer = new_page()
    _sign_in(buyer, base, "buyer_e2e")
    assert buyer.locator("h1").inner_text() == "My cases"
    shot(buyer, "portal-01-buyer-cases-empty")

    buyer.click("nav.subnav >> text=Orders")
    buyer.wait_for_url(f"{base}/orders/")
    shot(buyer, "portal-02-buyer-orders")

    buyer.click(f"a[href='/disputes/new/?order={order.number}']")
    assert buyer.input_value("#id_amount") == ""  # nothing claimed for the buyer
    buyer.select_option("#id_reason", "quality")
    buyer.select_option("#id_remedy", "refund_only")
    buyer.fill("#id_amount", "159.00")
    buyer.fill("#id_description", "T恤收到时袖口开线，洗一次就破洞了。")
    photo = tmp_path / "袖口破洞.png"
    photo.write_bytes(_photo())
    buyer.set_input_files("#id_files", str(photo))
    shot(buyer, "portal-03-open-form")
    buyer.click("button:has-text('Open the dispute')")
    buyer.wait_for_url(f"{base}/disputes/D*/")
    case = Dispute.objects.get(order=order)
    assert buyer.locator(".badge.state-negotiation").first.is_visible()
    assert buyer.locator("img.thumb").count() == 1
    shot(buyer, "portal-04-buyer-case-opened")

    merchant = new_page()
    _sign_in(merchant, base, people["merchant"].username)
    shot(merchant, "portal-05-merchant-cases")
    merchant.click(f"text={case.number}")
    merchant.wait_for_url(f"{base}/disputes/{case.number}/")
    merchant.click("summary:has-text('Reject the claim')")
    merchant.fill("#id_reason", "发货前已质检，袖口开线属于人为拉扯。")
    merchant.click("button[data-action=reject]")
    merchant.wait_for_url(f"{base}/disputes/{case.number}/")
    assert "You rejected the claim." in merchant.locator(".messages").inner_text()
    shot(merchant, "portal-06-merchant-rejected")

    buyer.reload()
    buyer.click("summary:has-text('Ask the platform to step in')")
    buyer.fill("#id_note", "商家拒绝退款，请平台介入。")
    buyer.click("button[data-action=request_intervention]")
    buyer.wait_for_url(f"{base}/disputes/{case.number}/")
    assert buyer.locator(".page-head .badge.state-complaint").is_visible()
    shot(buyer, "portal-07-buyer-intervention")

    case.refresh_from_db()
    assert case.state == "complaint" and case.intervened_at is not None
    actions = list(
        DisputeEvent.objects.filter(dispute=case).values_list("action", flat=True)
    )
    assert actions == ["open", "evidence", "reject", "request_intervention"]

    buyer.click("nav.subnav >> text=Platform rules")
    assert buyer.locator("article.rule").count() >= 1
    shot(buyer, "portal-08-rules")

    phone = new_page(width=375, height=740)
    _sign_in(phone, base, "buyer_e2e")
    shot(phone, "portal-09-phone-cases")
    phone.goto(f"{base}/disputes/{case.number}/")
    shot(phone, "portal-10-phone-case")
    phone.goto(f"{base}/orders/")
    shot(phone, "portal-11-phone-orders")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the phone page scrolls sideways ({width}px)"
