"""Goods as well as money: the money follows the goods, the goods steps'
deadlines apply themselves, a failed goods leg reaches the platform once,
and the claim rules (七天无理由, retired reasons, items) hold on every path."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal as D
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core.errors import InvalidTransition, ValidationFailed
from disputes import services
from disputes.choices import DeadlineKind, Resolution, ReturnStep, State
from disputes.models import Appeal, ClaimedItem, DisputeEvent, Evidence
from disputes.policy import no_reason_open
from notifications.models import Notification
from orders.models import OrderItem, Refund
from tests.factories import OrderFactory, case_in_state
from webhooks.events import event_type_for

pytestmark = pytest.mark.django_db

SF = {"carrier": "SF", "tracking_number": "SF1234567890123"}
SHANGHAI = ZoneInfo("Asia/Shanghai")


def later(**delta):
    return time_machine.travel(timezone.now() + timedelta(**delta), tick=False)


def sweep() -> str:
    out = StringIO()
    call_command("apply_deadlines", stdout=out)
    return out.getvalue()


def refunds(story) -> list[D]:
    return list(
        Refund.objects.filter(dispute=story.case, kind="refund").values_list(
            "amount", flat=True
        )
    )


def evidence(story) -> None:
    Evidence.objects.create(
        dispute=story.case, uploaded_by=story.merchant, party="merchant",
        file="evidence/x.jpg", original_name="x.jpg", content_type="image/jpeg",
        extension="jpg", size=10, sha256="0" * 64,
    )  # fmt: skip


def agreed_return(amount="100.00", remedy="return_refund"):
    story = case_in_state("negotiation", remedy=remedy, amount=amount)
    services.dispute_accept(dispute=story.case, actor=story.merchant)
    story.refresh()
    return story


# ---- money follows the goods -------------------------------------------


def test_no_refund_before_the_goods_are_confirmed_and_exactly_one_after():
    story = agreed_return()
    case = story.case
    assert (case.state, case.return_step, case.held_amount) == (
        State.RETURNING, ReturnStep.AWAITING_RETURN, D("100.00"),
    )  # fmt: skip
    assert case.deadline_kind == DeadlineKind.RETURN_SHIPMENT
    assert refunds(story) == []
    services.dispute_ship_return(dispute=case, actor=story.buyer, **SF)
    case = story.refresh()
    assert case.return_step == ReturnStep.RETURN_IN_TRANSIT
    assert case.deadline_kind == DeadlineKind.RETURN_RECEIPT
    assert refunds(story) == []
    services.dispute_confirm_return(dispute=case, actor=story.merchant)
    case = story.refresh()
    assert (case.state, case.resolution, case.refunded_amount) == (
        State.CLOSED, Resolution.AGREED, D("100.00"),
    )  # fmt: skip
    assert refunds(story) == [D("100.00")]
    assert case.order.refunded_amount == D("100.00")
    with pytest.raises(InvalidTransition):
        services.dispute_confirm_return(dispute=case, actor=story.merchant)
    assert refunds(story) == [D("100.00")]


def test_a_return_not_sent_in_time_lapses_without_a_refund():
    story = agreed_return()
    with later(days=7, minutes=1):
        out = sweep()
    case = story.refresh()
    assert (case.state, case.resolution, case.held_amount) == (
        State.CLOSED, Resolution.RETURN_LAPSED, None,
    )  # fmt: skip
    assert refunds(story) == []
    assert "goods steps due applied: 1" in out
    assert case.events.last().action == "lapse_return"


def test_the_merchant_silent_seven_days_after_shipment_is_taken_as_confirming():
    story = agreed_return("80.00")
    services.dispute_ship_return(dispute=story.case, actor=story.buyer, **SF)
    with later(days=6):
        sweep()
    assert story.refresh().state == State.RETURNING
    with later(days=7, minutes=1):
        sweep()
    case = story.refresh()
    assert (case.state, case.resolution) == (State.CLOSED, Resolution.AGREED)
    assert refunds(story) == [D("80.00")]
    assert case.events.last().action == "auto_confirm_return"


def test_a_delivered_return_gives_the_merchant_48_hours():
    story = agreed_return()
    services.dispute_ship_return(dispute=story.case, actor=story.buyer, **SF)
    delivered = timezone.now() + timedelta(days=1)
    _event, created = services.logistics_event_record(
        carrier="SF", tracking_number="sf 1234567890123", status="delivered",
        at=delivered, event_id="evt-1",
    )  # fmt: skip
    assert created
    again, created = services.logistics_event_record(
        carrier="SF", tracking_number="SF1234567890123", status="delivered",
        at=delivered, event_id="evt-1",
    )  # fmt: skip
    assert not created and again.pk == _event.pk
    case = story.refresh()
    assert case.step_due_at == delivered + timedelta(hours=48)
    assert case.shipments.get().delivered_at == delivered
    assert case.events.filter(action="logistics").count() == 1
    with later(days=3, minutes=1):
        sweep()
    assert story.refresh().state == State.CLOSED
    assert refunds(story) == [D("100.00")]


def test_80_percent_warning_once_per_step():
    story = agreed_return()
    with later(days=6):  # 80 % of 7 days is 5.6 days
        sweep()
        sweep()
    assert story.case.events.filter(action="goods_warning").count() == 1


def test_exchange_carries_no_amount_and_goes_through_the_replacement():
    story = case_in_state("negotiation", remedy="exchange", amount="0")
    assert story.case.amount == D("0.00")
    services.dispute_accept(dispute=story.case, actor=story.merchant)
    case = story.refresh()
    assert (case.return_step, case.held_amount) == (ReturnStep.AWAITING_RETURN, None)
    services.dispute_ship_return(dispute=case, actor=story.buyer, **SF)
    services.dispute_confirm_return(dispute=story.refresh(), actor=story.merchant)
    case = story.refresh()
    assert (case.state, case.return_step) == (
        State.RETURNING, ReturnStep.AWAITING_REPLACEMENT,
    )  # fmt: skip
    services.dispute_ship_replacement(
        dispute=case, actor=story.merchant, carrier="JT",
        tracking_number="JT1234567890123",
    )  # fmt: skip
    with later(days=10, minutes=1):
        sweep()
    case = story.refresh()
    assert (case.state, case.resolution) == (State.CLOSED, Resolution.AGREED)
    assert refunds(story) == []
    assert [s.direction for s in case.shipments.all()] == ["return", "replacement"]


def test_a_replacement_not_sent_in_time_goes_to_the_platform_once():
    story = agreed_return(remedy="resend")
    assert story.case.return_step == ReturnStep.AWAITING_REPLACEMENT
    with later(hours=48, minutes=1):
        sweep()
    case = story.refresh()
    assert (case.state, case.goods_escalated_at is not None) == (State.COMPLAINT, True)
    assert case.intervened_at is not None


def test_a_wrong_tracking_number_is_a_field_error():
    story = agreed_return()
    with pytest.raises(ValidationFailed) as error:
        services.dispute_ship_return(
            dispute=story.case, actor=story.buyer, carrier="SF",
            tracking_number="13800138000",
        )  # fmt: skip
    assert set(error.value.errors) == {"tracking_number"}


# ---- refused returns reach the platform once ------------------------------


def test_a_refused_return_needs_evidence_then_is_one_intervention():
    story = agreed_return()
    services.dispute_ship_return(dispute=story.case, actor=story.buyer, **SF)
    with pytest.raises(ValidationFailed) as error:
        services.dispute_refuse_return(
            dispute=story.refresh(), actor=story.merchant, preset="swapped"
        )
    assert set(error.value.errors) == {"evidence"}
    evidence(story)
    services.dispute_refuse_return(
        dispute=story.refresh(), actor=story.merchant, preset="swapped"
    )
    case = story.refresh()
    assert (case.state, case.intervention_requested_by) == (State.COMPLAINT, "merchant")
    assert refunds(story) == []
    # The agent's ruling settles in money: no second goods leg.
    services.dispute_take(dispute=case, actor=story.agent)
    services.dispute_rule(
        dispute=story.refresh(), actor=story.agent, outcome="buyer",
        liability="merchant", amount=D("100.00"), remedy="return_refund",
        rule=story.rule, reasoning="物流签收记录显示商品已退回",
    )  # fmt: skip
    case = story.refresh()
    assert (case.state, case.return_step) == (State.RULED, "")
    assert refunds(story) == [D("100.00")]


def test_a_refused_return_after_a_ruling_goes_to_a_supervisor():
    story = case_in_state("mediation", remedy="return_refund")
    services.dispute_rule(
        dispute=story.case, actor=story.agent, outcome="buyer",
        liability="merchant", amount=D("100.00"), remedy="return_refund",
        rule=story.rule, reasoning="退货退款",
    )  # fmt: skip
    services.dispute_ship_return(dispute=story.refresh(), actor=story.buyer, **SF)
    evidence(story)
    services.dispute_refuse_return(
        dispute=story.refresh(), actor=story.merchant, preset="used", reason="已穿过"
    )
    case = story.refresh()
    assert case.state == State.APPEAL
    assert Appeal.objects.get(dispute=case).party == "merchant"
    services.dispute_uphold(
        dispute=case, actor=story.supervisor, reasoning="买家退回商品完好"
    )
    case = story.refresh()
    assert (case.state, case.resolution) == (State.CLOSED, Resolution.UPHELD)
    assert refunds(story) == [D("100.00")]


# ---- a ruling with a return and the appeal window ------------------------


def test_the_buyer_ships_at_once_and_the_merchant_keeps_the_appeal():
    story = case_in_state("mediation", remedy="return_refund")
    services.dispute_rule(
        dispute=story.case, actor=story.agent, outcome="buyer",
        liability="merchant", amount=D("100.00"), remedy="return_refund",
        rule=story.rule, reasoning="退货退款",
    )  # fmt: skip
    case = story.refresh()
    assert (case.state, refunds(story)) == (State.RETURNING, [])
    assert case.ruling.remedy == "return_refund"
    services.dispute_ship_return(dispute=case, actor=story.buyer, **SF)
    services.dispute_confirm_return(dispute=story.refresh(), actor=story.merchant)
    case = story.refresh()
    assert (case.state, refunds(story)) == (State.RULED, [D("100.00")])
    # The merchant appeals inside the window; an overturn never refunds twice
    # and never claws back: the platform compensates the merchant.
    services.dispute_appeal(dispute=case, actor=story.merchant, reason="新证据")
    services.dispute_overturn(
        dispute=story.refresh(), actor=story.supervisor, outcome="merchant",
        liability="none", rule=story.rule, reasoning="商品无质量问题",
    )  # fmt: skip
    case = story.refresh()
    assert (case.state, case.resolution) == (State.CLOSED, Resolution.OVERTURNED)
    assert refunds(story) == [D("100.00")]
    assert list(
        Refund.objects.filter(dispute=case, kind="compensation").values_list(
            "amount", flat=True
        )
    ) == [D("100.00")]


def test_an_unappealed_ruled_return_closes_as_ruled():
    story = case_in_state("mediation", remedy="return_refund")
    services.dispute_rule(
        dispute=story.case, actor=story.agent, outcome="buyer",
        liability="merchant", amount=D("100.00"), remedy="return_refund",
        rule=story.rule, reasoning="退货退款",
    )  # fmt: skip
    services.dispute_ship_return(dispute=story.refresh(), actor=story.buyer, **SF)
    with later(days=8):
        sweep()  # the merchant silent 7 days: taken as confirmed, window passed
    case = story.refresh()
    assert (case.state, case.resolution) == (State.CLOSED, Resolution.RULED)
    assert refunds(story) == [D("100.00")]


def test_concede_during_intervention_and_decline_proposal():
    story = case_in_state("mediation")
    services.dispute_propose(
        dispute=story.case, actor=story.agent, amount=D("50.00"), note="各让一步"
    )
    services.dispute_decline_proposal(
        dispute=story.refresh(), actor=story.buyer, note="太少"
    )
    case = story.refresh()
    assert (case.state, case.proposal_amount) == (State.MEDIATION, None)
    services.dispute_concede(dispute=case, actor=story.merchant)
    case = story.refresh()
    assert (case.state, case.resolution, refunds(story)) == (
        State.CLOSED, Resolution.AGREED, [D("100.00")],
    )  # fmt: skip


# ---- opening: 七天无理由, retired reasons, items ---------------------------


def test_no_reason_counts_168_hours_from_the_midnight_after_sign_for():
    signed = datetime(2026, 3, 2, 15, 30, tzinfo=SHANGHAI)
    order = OrderFactory(delivered_at=signed, status="delivered")
    end = datetime(2026, 3, 10, 0, 0, tzinfo=SHANGHAI)  # 3 Mar 00:00 + 168 h
    assert no_reason_open(order, end - timedelta(seconds=1))
    assert not no_reason_open(order, end)
    with time_machine.travel(end - timedelta(minutes=1), tick=False):
        case = services.dispute_open(
            actor=order.buyer, order=order, reason="no_reason",
            remedy="return_refund", amount=D("10.00"),
        )  # fmt: skip
    assert case.reason == "no_reason"


@pytest.mark.parametrize(
    "reason, remedy, field",
    [("no_reason", "refund_only", "remedy"), ("return_exchange", "refund_only",
     "reason")],
)  # fmt: skip
def test_claims_refused_by_reason(reason, remedy, field):
    order = OrderFactory(delivered_at=timezone.now(), status="delivered")
    with pytest.raises(ValidationFailed) as error:
        services.dispute_open(
            actor=order.buyer, order=order, reason=reason, remedy=remedy,
            amount=D("10.00"),
        )  # fmt: skip
    assert field in error.value.errors


def test_no_reason_after_the_window_is_refused():
    order = OrderFactory(
        delivered_at=timezone.now() - timedelta(days=9), status="delivered"
    )
    with pytest.raises(ValidationFailed) as error:
        services.dispute_open(
            actor=order.buyer, order=order, reason="no_reason",
            remedy="return_refund", amount=D("10.00"),
        )  # fmt: skip
    assert set(error.value.errors) == {"reason"}


def test_claimed_items_cap_the_amount():
    order = OrderFactory(total=D("300.00"))
    OrderItem.objects.filter(order=order).delete()
    cup = OrderItem.objects.create(
        order=order, product_name="杯子", quantity=3, unit_price=D("40.00")
    )
    OrderItem.objects.create(
        order=order, product_name="壶", quantity=1, unit_price=D("180.00")
    )
    with pytest.raises(ValidationFailed) as error:
        services.dispute_open(
            actor=order.buyer, order=order, reason="damaged", remedy="refund_only",
            amount=D("80.01"), description="碎了", items=[(cup.pk, 2)],
        )  # fmt: skip
    assert set(error.value.errors) == {"amount"}
    with pytest.raises(ValidationFailed) as error:
        services.dispute_open(
            actor=order.buyer, order=order, reason="damaged", remedy="refund_only",
            amount=D("10.00"), description="碎了", items=[(cup.pk, 4)],
        )  # fmt: skip
    assert set(error.value.errors) == {"items"}
    case = services.dispute_open(
        actor=order.buyer, order=order, reason="damaged", remedy="refund_only",
        amount=D("80.00"), description="碎了", items=[(cup.pk, 2)],
    )  # fmt: skip
    assert [(c.order_item_id, c.quantity) for c in ClaimedItem.objects.filter(
        dispute=case)] == [(cup.pk, 2)]  # fmt: skip


def test_parcel_events_of_unknown_parcels_are_kept_once():
    at = timezone.now()
    first, created = services.logistics_event_record(
        carrier="ZTO", tracking_number="75123456789012", status="in_transit", at=at
    )
    again, created_again = services.logistics_event_record(
        carrier="ZTO", tracking_number="75123456789012", status="in_transit", at=at
    )
    assert (created, created_again, first.pk, first.shipment) == (
        True, False, again.pk, None,
    )  # fmt: skip
    assert DisputeEvent.objects.filter(action="logistics").count() == 0


def test_after_an_appeal_the_goods_leg_closes_the_case_and_no_second_appeal():
    story = case_in_state("mediation", remedy="return_refund")
    services.dispute_rule(
        dispute=story.case, actor=story.agent, outcome="buyer",
        liability="merchant", amount=D("100.00"), remedy="return_refund",
        rule=story.rule, reasoning="退货退款",
    )  # fmt: skip
    services.dispute_appeal(dispute=story.refresh(), actor=story.merchant, reason="新")
    services.dispute_uphold(
        dispute=story.refresh(), actor=story.supervisor, reasoning="原裁定无误"
    )
    case = story.refresh()
    assert (case.state, case.return_step) == (
        State.RETURNING,
        ReturnStep.AWAITING_RETURN,
    )
    with pytest.raises(InvalidTransition):
        services.dispute_appeal(dispute=case, actor=story.buyer, reason="再次申诉")
    services.dispute_ship_return(dispute=case, actor=story.buyer, **SF)
    services.dispute_confirm_return(dispute=story.refresh(), actor=story.merchant)
    case = story.refresh()
    assert (case.state, case.resolution) == (State.CLOSED, Resolution.UPHELD)
    assert refunds(story) == [D("100.00")]


def test_a_silent_merchants_return_is_refunded_once_the_goods_are_back(
    settings, run_tasks
):
    """Under the `auto_refund` policy a silent merchant's return claim is
    taken as accepted: nothing is refunded until the goods are back, the
    parties hear of it (in their language), the money follows the goods."""
    settings.DISPUTE_POLICY = {
        **settings.DISPUTE_POLICY,
        "silent_merchant_action": "auto_refund",
    }
    story = case_in_state("negotiation", remedy="return_refund", amount="100.00")
    run_tasks()
    mail.outbox.clear()
    with later(hours=49):
        sweep()
        run_tasks()
    case = story.refresh()
    assert (case.state, case.return_step, refunds(story)) == (
        State.RETURNING, ReturnStep.AWAITING_RETURN, [],
    )  # fmt: skip
    entry = case.events.last()
    assert (entry.action, entry.amount) == ("auto_accept", D("100.00"))
    assert entry.note == (
        "The merchant did not answer in time; the return is taken as agreed: the "
        "buyer sends the goods back and is refunded ¥100.00 once the store has them."
    )
    assert event_type_for("auto_accept") == "dispute.accepted_automatically"
    told = Notification.objects.filter(case=case, kind="auto_accept")
    assert {n.recipient_id for n in told} == {story.buyer.pk, story.merchant.pk}
    assert (
        sorted(m.subject for m in mail.outbox)
        == [f"售后单 {case.number}：商家超时未处理，系统视为同意"] * 2
    )
    services.dispute_ship_return(dispute=case, actor=story.buyer, **SF)
    services.dispute_confirm_return(dispute=story.refresh(), actor=story.merchant)
    case = story.refresh()
    assert (case.state, case.resolution, refunds(story)) == (
        State.CLOSED, Resolution.AGREED, [D("100.00")],
    )  # fmt: skip
