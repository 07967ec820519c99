"""Opening a case from an order, uploading evidence and downloading it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from disputes.models import Dispute, DisputeEvent, Evidence
from orders.models import OrderStatus
from tests import factories as f

from .conftest import PDF, exe, png


def _form(**kw):
    data = {
        "reason": "quality",
        "remedy": "refund_only",
        "amount": "80.00",
        "description": "衣服有破洞",
    }
    data.update(kw)
    return data


@pytest.mark.django_db
def test_form_preselects_nothing_and_offers_the_full_amount(client):
    order = f.OrderFactory(refunded_amount=Decimal("30.00"))
    f.OrderItemFactory(order=order, product_name="羊毛围巾 灰色", unit_price=30)
    client.force_login(order.buyer)
    response = client.get(f"/disputes/new/?order={order.number}")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial == {}
    body = response.content.decode()
    assert 'value="170.00"' not in body.split('data-fill-value="170.00"')[0]
    assert 'data-fill-value="170.00"' in body  # the 全额 shortcut
    assert "羊毛围巾 灰色" in body  # the order's items
    assert "10 MB" in body  # upload limits before any upload
    assert '<option value="" selected>' in body


@pytest.mark.django_db
def test_submitting_the_untouched_form_opens_nothing(client):
    order = f.OrderFactory()
    client.force_login(order.buyer)
    response = client.post(f"/disputes/new/?order={order.number}", {})
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"reason", "remedy", "amount"}
    assert not Dispute.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "reason, description, opens",
    [("quality", "", False), ("counterfeit", "", False), ("damaged", "  \n ", False),
     ("not_received", "", True), ("damaged", "碎了", True)],
)  # fmt: skip
def test_description_is_required_for_reasons_that_need_it(
    client, reason, description, opens
):
    order = f.OrderFactory()
    client.force_login(order.buyer)
    data = _form(reason=reason, description=description)
    response = client.post(f"/disputes/new/?order={order.number}", data)
    assert Dispute.objects.filter(order=order).exists() is opens
    if not opens:
        assert "description" in response.context["form"].errors


@pytest.mark.django_db
def test_open_with_files_lands_on_the_case(client):
    order = f.OrderFactory()
    client.force_login(order.buyer)
    data = _form(files=[png("a.png"), png("b.png")], evidence_note="照片")
    response = client.post(f"/disputes/new/?order={order.number}", data, follow=True)
    case = Dispute.objects.get(order=order)
    assert response.redirect_chain == [(case.get_absolute_url(), 302)]
    assert case.state == "negotiation" and str(case.amount) == "80.00"
    assert Evidence.objects.filter(dispute=case).count() == 2
    body = response.content.decode()
    assert "a.png" in body and "b.png" in body and 'class="thumb"' in body


@pytest.mark.django_db
def test_refused_file_opens_nothing(client):
    order = f.OrderFactory()
    client.force_login(order.buyer)
    data = _form(files=[png("ok.png"), exe("evil.png")])
    response = client.post(f"/disputes/new/?order={order.number}", data)
    assert response.status_code == 200
    assert "evil.png" in response.content.decode()
    assert not Dispute.objects.filter(order=order).exists()
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_service_refusal_shows_on_the_form(client):
    order = f.OrderFactory()
    client.force_login(order.buyer)
    response = client.post(f"/disputes/new/?order={order.number}", _form(amount="999"))
    assert response.status_code == 200
    assert "at most" in response.content.decode().lower()
    assert not Dispute.objects.exists()


@pytest.mark.django_db
def test_order_with_an_open_case_goes_to_the_case(client):
    story = f.case_in_state("negotiation")
    client.force_login(story.buyer)
    response = client.get(f"/disputes/new/?order={story.case.order.number}")
    assert response["Location"] == story.case.get_absolute_url()


@pytest.mark.django_db
def test_orders_page_links(client):
    buyer = f.buyer()
    store = f.StoreFactory()
    fresh = f.OrderFactory(buyer=buyer, store=store)
    late = f.OrderFactory(
        buyer=buyer,
        store=store,
        placed_at=timezone.now() - timedelta(days=40),
    )
    unpaid = f.OrderFactory(
        buyer=buyer, store=store, status=OrderStatus.PENDING_PAYMENT
    )
    story = f.case_in_state("negotiation", order=f.OrderFactory(buyer=buyer))
    client.force_login(buyer)
    body = client.get("/orders/").content.decode()
    assert f"/disputes/new/?order={fresh.number}" in body
    assert f"/disputes/new/?order={late.number}" not in body
    assert f"/disputes/new/?order={unpaid.number}" not in body
    assert story.case.get_absolute_url() in body
    client.force_login(store.owner)
    body = client.get("/orders/").content.decode()
    assert fresh.number in body and "/disputes/new/" not in body


@pytest.mark.django_db
def test_upload_refuses_a_wrong_type(client):
    story = f.case_in_state("negotiation")
    client.force_login(story.buyer)
    url = f"/disputes/{story.case.number}/evidence/"
    before = DisputeEvent.objects.count()
    response = client.post(url, {"file": exe("invoice.pdf"), "description": "x"})
    assert response.status_code == 400
    assert "JPEG, PNG" in response.content.decode()
    assert not Evidence.objects.exists()
    assert DisputeEvent.objects.count() == before


@pytest.mark.django_db
def test_upload_and_download_for_parties_only(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    story = f.case_in_state("negotiation")
    client.force_login(story.merchant)
    pdf = SimpleUploadedFile("发货单.pdf", PDF, content_type="application/pdf")
    url = f"/disputes/{story.case.number}/evidence/"
    assert client.post(url, {"file": pdf}).status_code == 302
    evidence = Evidence.objects.get()
    download = f"/disputes/{story.case.number}/evidence/{evidence.pk}/"

    client.force_login(story.buyer)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "%E5%8F%91%E8%B4%A7%E5%8D%95.pdf" in response["Content-Disposition"]

    client.force_login(f.buyer())
    assert client.get(download).status_code == 404
    client.force_login(f.StoreFactory().owner)
    assert client.get(download).status_code == 404


@pytest.mark.django_db
def test_image_thumbnail_is_served_inline(client, world):
    client.force_login(world.users["merchant"])
    url = f"/disputes/{world.story.case.number}/evidence/{world.evidence.pk}/"
    response = client.get(url + "?inline=1")
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Type"] == "image/png"


@pytest.mark.django_db
def test_lists_filter_by_state(client):
    buyer = f.buyer()
    open_case = f.case_in_state("negotiation", order=f.OrderFactory(buyer=buyer))
    closed = f.case_in_state("closed", order=f.OrderFactory(buyer=buyer))
    client.force_login(buyer)
    open_num, closed_num = open_case.case.number, closed.case.number
    body = client.get("/disputes/?state=open").content.decode()
    assert open_num in body and closed_num not in body
    body = client.get("/disputes/?state=closed").content.decode()
    assert closed_num in body and open_num not in body
    body = client.get("/disputes/").content.decode()
    assert closed_num in body and open_num in body


@pytest.mark.django_db
def test_rules_page_lists_rules_in_force(client):
    rule = f.PlatformRuleFactory(title="七天无理由退货规则")
    client.force_login(f.buyer())
    body = client.get("/disputes/rules/").content.decode()
    assert rule.code in body and "七天无理由退货规则" in body
