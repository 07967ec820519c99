"""The goods pages of a case: return address, ship form, confirm / refuse
panel, 不接受 and 同意退款 — views, access, forms and query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes import services
from disputes.choices import Remedy, ReturnStep, State
from disputes.models import Dispute, Evidence
from orders.models import Refund
from stores.services import store_return_address_set
from tests import factories as f

from .conftest import png

pytestmark = pytest.mark.django_db

ADDRESS = {
    "return_recipient": "周建国",
    "return_phone": "13857120001",
    "return_province": "浙江",
    "return_city": "杭州市",
    "return_district": "余杭区",
    "return_address_line": "文一西路998号 售后部",
}
SF = "SF1234567890123"


def goods_case(remedy=Remedy.RETURN_REFUND, *, accept=True, amount="100.00"):
    """A case whose remedy moves goods, accepted by the store (→ returning)."""
    order = f.OrderFactory()
    f.OrderItemFactory(order=order, product_name="纯棉T恤")
    store_return_address_set(store=order.store, actor=order.store.owner, **ADDRESS)
    story = f.case_in_state("negotiation", order=order)
    case = story.case
    Dispute.objects.filter(pk=case.pk).update(
        remedy=remedy,
        amount=Decimal("0") if remedy in (Remedy.EXCHANGE, Remedy.RESEND) else amount,
    )
    story.refresh()
    if accept:
        services.dispute_accept(dispute=story.case, actor=story.merchant)
        story.refresh()
    return story


def page(client, user, case):
    client.force_login(user)
    return client.get(f"/disputes/{case.number}/")


def post(client, user, case, action, data=None, **kw):
    client.force_login(user)
    data = {"version": Dispute.objects.get(pk=case.pk).version, **(data or {})}
    return client.post(f"/disputes/{case.number}/actions/{action}/", data, **kw)


def test_buyer_sees_the_address_only_once_the_return_is_agreed(client):
    story = goods_case(accept=False)
    body = page(client, story.buyer, story.case).content.decode()
    assert "文一西路998号" not in body
    assert 'data-testid="return-address"' not in body
    services.dispute_accept(dispute=story.case, actor=story.merchant)
    case = story.refresh()
    assert case.state == State.RETURNING
    assert case.return_step == ReturnStep.AWAITING_RETURN
    body = page(client, story.buyer, case).content.decode()
    assert "文一西路998号" in body
    assert "13857120001" in body
    assert 'data-action="ship_return"' in body
    # the carrier picker lists the carriers by name, never a bare code
    assert "顺丰" in body and ">SF<" not in body


def test_the_buyer_ships_with_a_checked_tracking_number(client):
    story = goods_case()
    bad = post(
        client,
        story.buyer,
        story.case,
        "ship_return",
        {"carrier": "SF", "tracking_number": "75123456789012"},
    )
    assert bad.status_code == 400
    assert "has-error" in bad.content.decode()
    assert story.refresh().return_step == ReturnStep.AWAITING_RETURN
    ok = post(
        client,
        story.buyer,
        story.case,
        "ship_return",
        {"carrier": "SF", "tracking_number": "sf 1234 5678 90123"},
    )
    assert ok.status_code == 302
    case = story.refresh()
    assert case.return_step == ReturnStep.RETURN_IN_TRANSIT
    body = page(client, story.merchant, case).content.decode()
    assert SF in body
    assert 'data-action="confirm_return"' in body
    assert 'data-action="refuse_return"' in body
    assert "data-countdown" in body


def test_only_the_buyer_ships_and_only_the_merchant_confirms(client):
    story = goods_case()
    assert post(
        client,
        story.merchant,
        story.case,
        "ship_return",
        {"carrier": "SF", "tracking_number": SF},
    ).status_code in (400, 403, 409)
    assert story.refresh().return_step == ReturnStep.AWAITING_RETURN
    services.dispute_ship_return(
        dispute=story.case, actor=story.buyer, carrier="SF", tracking_number=SF
    )
    story.refresh()
    assert post(client, story.buyer, story.case, "confirm_return").status_code in (
        400,
        403,
        409,
    )
    outsider = f.StoreFactory().owner
    assert post(client, outsider, story.case, "confirm_return").status_code == 404
    assert not Refund.objects.filter(dispute=story.case).exists()


def test_the_merchant_confirms_and_the_money_arrives_once(client):
    story = goods_case()
    services.dispute_ship_return(
        dispute=story.case, actor=story.buyer, carrier="SF", tracking_number=SF
    )
    story.refresh()
    assert not Refund.objects.filter(dispute=story.case).exists()
    assert post(client, story.merchant, story.case, "confirm_return").status_code == 302
    case = story.refresh()
    assert case.state == State.CLOSED
    assert case.refunded_amount == Decimal("100.00")
    again = post(client, story.merchant, case, "confirm_return")
    assert again.status_code in (400, 409)
    assert Refund.objects.filter(dispute=case).count() == 1


def test_the_merchant_refuses_with_a_file_in_one_go(client):
    story = goods_case()
    services.dispute_ship_return(
        dispute=story.case, actor=story.buyer, carrier="SF", tracking_number=SF
    )
    story.refresh()
    without = post(
        client, story.merchant, story.case, "refuse_return", {"preset": "used"}
    )
    assert without.status_code == 400
    assert story.refresh().return_step == ReturnStep.RETURN_IN_TRANSIT
    response = post(
        client,
        story.merchant,
        story.case,
        "refuse_return",
        {
            "preset": "used",
            "refuse-file": png("开箱.png"),
            "refuse-description": "已穿",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = story.refresh()
    assert case.state != State.RETURNING
    assert Evidence.objects.filter(dispute=case, party="merchant").count() == 1


def test_a_refused_refusal_keeps_no_file(client):
    story = goods_case()
    services.dispute_ship_return(
        dispute=story.case, actor=story.buyer, carrier="SF", tracking_number=SF
    )
    story.refresh()
    response = post(
        client,
        story.merchant,
        story.case,
        "refuse_return",
        {"preset": "other", "reason": "", "refuse-file": png()},
    )
    assert response.status_code == 400
    assert not Evidence.objects.filter(dispute=story.case).exists()


def test_the_step_bar_grows_the_return_steps(client):
    story = goods_case()
    body = page(client, story.buyer, story.case).content.decode()
    for words in ("寄回商品", "退货运输中"):
        assert words not in body  # English session
    assert "Buyer returns the goods" in body
    assert "Return on its way" in body
    current = body.split('aria-current="step"')[1].split("</li>")[0]
    assert "Buyer returns the goods" in current


def test_exchange_goes_through_the_replacement(client):
    story = goods_case(Remedy.EXCHANGE)
    case = services.dispute_ship_return(
        dispute=story.case, actor=story.buyer, carrier="SF", tracking_number=SF
    )
    case = services.dispute_confirm_return(dispute=case, actor=story.merchant)
    assert case.return_step == ReturnStep.AWAITING_REPLACEMENT
    body = page(client, story.merchant, case).content.decode()
    assert 'data-action="ship_replacement"' in body
    assert (
        post(
            client,
            story.merchant,
            case,
            "ship_replacement",
            {"carrier": "JT", "tracking_number": "JT1234567890123"},
        ).status_code
        == 302
    )
    case = story.refresh()
    body = page(client, story.buyer, case).content.decode()
    assert "JT1234567890123" in body
    assert post(client, story.buyer, case, "confirm_replacement").status_code == 302
    assert story.refresh().state == State.CLOSED
    assert not Refund.objects.filter(dispute=case).exists()


def test_merchant_concedes_during_intervention(client):
    story = f.case_in_state("verification")
    body = page(client, story.merchant, story.case).content.decode()
    assert 'data-action="concede"' in body
    assert post(client, story.merchant, story.case, "concede").status_code == 302
    case = story.refresh()
    assert case.state == State.CLOSED
    assert case.refunded_amount == Decimal("100.00")


def test_buyer_declines_a_proposal(client):
    story = f.case_in_state("mediation")
    services.dispute_propose(
        dispute=story.case, actor=story.agent, amount=Decimal("50.00"), note="各退一步"
    )
    story.refresh()
    body = page(client, story.buyer, story.case).content.decode()
    assert 'data-action="decline_proposal"' in body
    assert post(client, story.buyer, story.case, "decline_proposal").status_code == 302
    case = story.refresh()
    assert case.state == State.MEDIATION


def test_goods_case_page_queries_are_bounded(client):
    story = goods_case()
    services.dispute_ship_return(
        dispute=story.case, actor=story.buyer, carrier="SF", tracking_number=SF
    )
    case = story.refresh()
    money = f.case_in_state("negotiation")
    counts = {}
    for name, user, c in (
        ("goods", story.merchant, case),
        ("money", money.merchant, money.case),
    ):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/disputes/{c.number}/").status_code == 200
        counts[name] = len(ctx.captured_queries)
    # the goods panel adds one query (the parcels) to a money-only case page
    assert counts["goods"] <= counts["money"] + 2, counts


# ---- the claim form ----


def _reasons(client, order) -> set[str]:
    client.force_login(order.buyer)
    form = client.get(f"/disputes/new/?order={order.number}").context["form"]
    return {value for value, _label in form.fields["reason"].choices}


def test_the_claim_form_offers_no_reason_only_inside_its_window(client):
    from datetime import timedelta

    from django.utils import timezone

    fresh = f.OrderFactory(delivered_at=timezone.now() - timedelta(days=2))
    old = f.OrderFactory(delivered_at=timezone.now() - timedelta(days=9))
    on_the_way = f.OrderFactory(status="shipped", delivered_at=None)
    assert "no_reason" in _reasons(client, fresh)
    assert "no_reason" not in _reasons(client, old)
    assert "no_reason" not in _reasons(client, on_the_way)
    for order in (fresh, old, on_the_way):
        assert "return_exchange" not in _reasons(client, order)


def test_an_exchange_needs_no_amount_and_no_reason_only_returns(client):
    from disputes.forms import DisputeOpenForm

    order = f.OrderFactory()
    base = {"reason": "quality", "description": "开线"}
    form = DisputeOpenForm({**base, "remedy": "exchange"}, order=order)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal("0")
    form = DisputeOpenForm({**base, "remedy": "return_refund"}, order=order)
    assert not form.is_valid() and "amount" in form.errors
    form = DisputeOpenForm(
        {"reason": "no_reason", "remedy": "refund_only", "amount": "10"}, order=order
    )
    assert not form.is_valid() and "remedy" in form.errors


def test_the_claim_form_lets_the_buyer_pick_items_and_caps_the_amount():
    from disputes.forms import DisputeOpenForm

    order = f.OrderFactory(total=Decimal("300.00"))
    order.items.all().delete()
    shirt = f.OrderItemFactory(
        order=order, product_name="T恤", unit_price=Decimal("50.00"), quantity=2
    )
    f.OrderItemFactory(
        order=order, product_name="裤子", unit_price=Decimal("200.00"), quantity=1
    )
    base = {"reason": "quality", "remedy": "refund_only", "description": "开线"}
    form = DisputeOpenForm(
        {**base, "amount": "100.00", f"item_{shirt.pk}": "2"}, order=order
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["items"] == [(shirt.pk, 2)]
    form = DisputeOpenForm(
        {**base, "amount": "100.01", f"item_{shirt.pk}": "2"}, order=order
    )
    assert not form.is_valid() and "amount" in form.errors
    form = DisputeOpenForm(
        {**base, "amount": "10", f"item_{shirt.pk}": "3"}, order=order
    )
    assert not form.is_valid() and f"item_{shirt.pk}" in form.errors


def test_the_picked_items_reach_the_case(client):
    order = f.OrderFactory(total=Decimal("300.00"))
    order.items.all().delete()
    shirt = f.OrderItemFactory(
        order=order, product_name="T恤", unit_price=Decimal("50.00"), quantity=2
    )
    f.OrderItemFactory(
        order=order, product_name="裤子", unit_price=Decimal("200.00"), quantity=1
    )
    client.force_login(order.buyer)
    response = client.post(
        f"/disputes/new/?order={order.number}",
        {
            "reason": "quality",
            "remedy": "return_refund",
            "amount": "50.00",
            "description": "一件开线",
            f"item_{shirt.pk}": "1",
        },
    )
    assert response.status_code == 302
    case = Dispute.objects.get(order=order)
    assert [(c.order_item_id, c.quantity) for c in case.claimed_items.all()] == [
        (shirt.pk, 1)
    ]
    body = client.get(f"/disputes/{case.number}/").content.decode()
    assert "Items claimed:</strong> T恤 × 1" in body
