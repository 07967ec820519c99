"""A return walked in a real Chromium, in zh-hans: the merchant sets the
return address and agrees, the buyer ships the goods back on a phone (375 px),
the merchant confirms on a desktop (1280 px), and the money arrives.
Screenshots land in test-results/screenshots/goods-*.png.
"""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from disputes import services
from disputes.choices import Reason, Remedy
from disputes.models import Dispute
from orders.models import Refund
from tests import factories as f

from .test_parties_e2e import DESKTOP, PHONE, ZH, _no_sideways_scroll, _sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def return_case():
    buyer = f.buyer(username="buyer_goods", display_name="李晓燕")
    store = f.StoreFactory(name="潮流前线服饰旗舰店")
    order = f.OrderFactory(
        number="O2026120700101",
        buyer=buyer,
        store=store,
        total=Decimal("189.89"),
        placed_at=timezone.now() - timedelta(days=4),
        item=None,
    )
    f.OrderItemFactory(
        order=order, product_name="纯棉圆领T恤 白色 L", unit_price=189.89
    )
    case = services.dispute_open(
        actor=buyer,
        order=order,
        reason=Reason.NO_REASON,
        remedy=Remedy.RETURN_REFUND,
        amount=Decimal("189.89"),
        description="尺码偏小，想退货",
    )
    return {"buyer": buyer, "store": store, "case": case}


def test_a_buyer_ships_a_return_and_the_merchant_confirms(
    live_server, new_page, shot, return_case
):
    base = live_server.url
    store, case = return_case["store"], return_case["case"]

    # The merchant sets the store's return address (on a phone), then agrees.
    shop = new_page(locale=ZH, **PHONE)
    _sign_in(shop, base, store.owner)
    shop.goto(f"{base}/stores/{store.pk}/return-address/")
    shop.fill("#id_return_recipient", "周建国")
    shop.fill("#id_return_phone", "1385712")
    shop.select_option("#id_return_province", "浙江")
    shop.fill("#id_return_city", "杭州市")
    shop.fill("#id_return_district", "余杭区")
    shop.fill("#id_return_address_line", "文一西路998号 海创园5号楼 售后部")
    shop.click("form.narrow-form button[type=submit]")
    assert "11 位手机号码" in shop.content()
    shot(shop, "goods-01-phone-return-address-error")
    _no_sideways_scroll(shop)
    shop.fill("#id_return_phone", "13857120001")
    shop.click("form.narrow-form button[type=submit]")
    shop.wait_for_url(f"{base}/stores/")
    assert "文一西路998号" in shop.content()
    shot(shop, "goods-02-phone-my-stores")
    shop.goto(f"{base}/disputes/{case.number}/")
    shop.click("button[data-action=accept]")
    shop.wait_for_url(f"{base}/disputes/{case.number}/")
    assert Dispute.objects.get(pk=case.pk).state == "returning"

    # The buyer sees the address and ships on a phone.
    phone = new_page(locale=ZH, **PHONE)
    _sign_in(phone, base, return_case["buyer"])
    phone.goto(f"{base}/disputes/{case.number}/")
    assert "文一西路998号" in phone.locator("[data-testid=return-address]").inner_text()
    assert "寄回" in phone.locator(".steps").inner_text()
    shot(phone, "goods-03-phone-return-agreed")
    _no_sideways_scroll(phone)
    form = "form:has(button[data-action=ship_return])"
    phone.click("details:has(button[data-action=ship_return]) summary")
    phone.select_option(f"{form} [name=carrier]", "SF")
    phone.fill(f"{form} [name=tracking_number]", "75123456789012")
    phone.click("button[data-action=ship_return]")
    phone.wait_for_url(f"{base}/disputes/{case.number}/actions/ship_return/")
    assert "顺丰" in phone.locator(f"{form} .error").inner_text()
    shot(phone, "goods-04-phone-wrong-tracking-number")
    phone.fill(f"{form} [name=tracking_number]", "SF1234567890123")
    phone.click("button[data-action=ship_return]")
    phone.wait_for_url(f"{base}/disputes/{case.number}/")
    assert "SF1234567890123" in phone.locator("#goods").inner_text()
    shot(phone, "goods-05-phone-return-shipped")
    _no_sideways_scroll(phone)

    # The merchant finds it under 待收货 and confirms on a desktop.
    desk = new_page(locale=ZH, **DESKTOP)
    _sign_in(desk, base, store.owner)
    desk.click(".tabs a[href='?tab=receiving']")
    desk.wait_for_url(f"{base}/disputes/?tab=receiving")
    assert case.number in desk.locator("table.cases").inner_text()
    shot(desk, "goods-06-desktop-receiving-tab")
    desk.click(f"text={case.number}")
    assert desk.locator(".turn [data-countdown]").count() == 1
    assert desk.locator("button[data-action=refuse_return]").count() == 1
    shot(desk, "goods-07-desktop-confirm-or-refuse")
    assert not Refund.objects.filter(dispute=case).exists()
    desk.click("button[data-action=confirm_return]")
    desk.wait_for_url(f"{base}/disputes/{case.number}/")
    shot(desk, "goods-08-desktop-confirmed")

    # The money arrives, once.
    refunds = list(Refund.objects.filter(dispute=case))
    assert [r.amount for r in refunds] == [Decimal("189.89")]
    phone.reload()
    assert "¥189.89" in phone.locator(".turn").inner_text()
    shot(phone, "goods-09-phone-refunded")
    _no_sideways_scroll(phone)
