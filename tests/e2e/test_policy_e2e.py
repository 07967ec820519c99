"""The policy in a real Chromium, in zh-hans, on a phone and a desktop: the
buyer sees the evidence a fresh-food claim needs before starting, is refused
without it, opens it with it, and reads the case's terms (本单适用规则).
Screenshots land in test-results/screenshots/policy-*.png."""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from disputes.models import Dispute
from tests import factories as f

from .test_parties_e2e import _no_sideways_scroll, _photo, _sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ZH = "zh-CN"
SIZES = {
    "phone": {"width": 375, "height": 740},
    "desktop": {"width": 1280, "height": 860},
}
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 512


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_buyer_sees_required_evidence_and_the_case_terms(
    live_server, new_page, shot, tmp_path, size
):
    f.CategoryFactory(code="fresh", name="生鲜水果")
    f.policy_set(
        "fresh",
        required_evidence={"damaged": ["video", "express_slip"]},
        merchant_response_hours=24,
    )
    f.policy_set("", "新疆", return_ship_days=14)
    buyer = f.buyer(username=f"fresh_{size}", display_name="李小鲜")
    store = f.StoreFactory(
        name="天山果园生鲜直营店", category__code="fresh", region="新疆"
    )
    order = f.OrderFactory(
        buyer=buyer,
        store=store,
        total=Decimal("89.00"),
        placed_at=timezone.now() - timedelta(days=3),
        item=None,
    )
    f.OrderItemFactory(order=order, product_name="阿克苏冰糖心苹果 10斤", unit_price=89)
    base = live_server.url
    page = new_page(locale=ZH, **SIZES[size])
    _sign_in(page, base, buyer)
    page.goto(f"{base}/disputes/new/?order={order.number}")
    notice = page.locator("[data-testid=required-evidence]").inner_text()
    assert "损坏" in notice or "破损" in notice, notice
    assert "开箱视频" in notice and "快递面单照片" in notice
    shot(page, f"policy-01-{size}-open-form-requirements")
    _no_sideways_scroll(page)

    page.select_option("#id_reason", "damaged")
    page.select_option("#id_remedy", "refund_only")
    page.fill("#id_amount", "89.00")
    page.fill("#id_description", "到货时苹果磕碎了好几个。")
    photo = tmp_path / "苹果.png"
    photo.write_bytes(_photo())
    page.set_input_files("#id_files", str(photo))
    page.click("form.card button[type=submit]")
    page.wait_for_load_state()
    assert "开箱视频" in page.locator("form.card").inner_text()
    assert not Dispute.objects.exists()
    shot(page, f"policy-02-{size}-refused-without-video")

    video = tmp_path / "开箱.mp4"
    video.write_bytes(MP4)
    page.set_input_files("#id_files", [str(photo), str(video)])
    page.set_input_files("#id_express_slip", str(photo))
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{base}/disputes/D*/")
    terms = page.locator("[data-testid=case-terms]").inner_text()
    assert "本单适用规则" in terms
    assert "24 小时" in terms or "24小时" in terms, terms
    assert "类目" in terms and "地区" in terms
    page.locator("[data-testid=case-terms]").scroll_into_view_if_needed()
    shot(page, f"policy-03-{size}-case-terms")
    _no_sideways_scroll(page)
