"""Every guard and money rule of the lifecycle, with exact amounts."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from core.errors import (
    ActionNotPermitted,
    InvalidTransition,
    NotVisible,
    ValidationFailed,
)
from core.workcalendar import add_working_hours
from disputes import services
from disputes.models import Dispute, PlatformRule, Ruling
from orders.models import Order, OrderStatus, Refund
from stores.models import Category
from tests.factories import (
    CategoryFactory,
    OrderFactory,
    PlatformRuleFactory,
    buyer,
    case_in_state,
    merchant,
    supervisor,
)

pytestmark = pytest.mark.django_db
D = Decimal


def open_case(order, amount="100.00", actor=None):
    return services.dispute_open(
        actor=actor or order.buyer,
        order=order,
        reason="quality",
        remedy="refund_only",
        amount=D(amount),
        description="破洞",
    )


def refunds(order, kind="refund"):
    return sorted(r.amount for r in Refund.objects.filter(order=order, kind=kind))


class TestOpening:
    def test_opens_with_merchant_deadline_and_timeline(self):
        order = OrderFactory()
        case = open_case(order)
        assert case.state == "negotiation"
        assert case.merchant_deadline_at == case.opened_at + timedelta(hours=48)
        assert case.deadline_at == case.merchant_deadline_at
        assert list(case.events.values_list("action", "to_state")) == [
            ("open", "negotiation")
        ]

    def test_category_overrides_the_response_deadline(self):
        CategoryFactory(code="fresh", name="生鲜", merchant_response_hours=12)
        order = OrderFactory(store__category=Category.objects.get(code="fresh"))
        case = open_case(order)
        assert case.merchant_deadline_at == case.opened_at + timedelta(hours=12)

    @pytest.mark.parametrize(
        ("change", "error"),
        [
            (
                {"status": OrderStatus.PENDING_PAYMENT, "paid_at": None},
                InvalidTransition,
            ),
            ({"status": OrderStatus.CANCELLED}, InvalidTransition),
            ({"delivered_at_days_ago": 16}, InvalidTransition),
        ],
    )
    def test_refuses_unpaid_cancelled_and_late(self, change, error):
        days = change.pop("delivered_at_days_ago", None)
        if days:
            change["delivered_at"] = timezone.now() - timedelta(days=days)
        order = OrderFactory(**change)
        with pytest.raises(error):
            open_case(order)
        assert not Dispute.objects.exists()

    def test_any_time_before_delivery(self):
        order = OrderFactory(
            status=OrderStatus.SHIPPED,
            delivered_at=None,
            placed_at=timezone.now() - timedelta(days=40),
        )
        assert open_case(order).state == "negotiation"

    def test_inside_window_on_the_last_day(self):
        order = OrderFactory(delivered_at=timezone.now() - timedelta(days=14, hours=23))
        assert open_case(order).state == "negotiation"

    def test_only_own_orders(self):
        order = OrderFactory()
        with pytest.raises(NotVisible):
            open_case(order, actor=buyer())

    def test_only_buyers(self):
        order = OrderFactory()
        with pytest.raises(ActionNotPermitted):
            open_case(order, actor=merchant())

    def test_one_open_case_per_order(self):
        order = OrderFactory()
        open_case(order)
        with pytest.raises(InvalidTransition):
            open_case(order, amount=D("10.00"))
        assert Dispute.objects.count() == 1

    def test_amount_must_be_within_total(self):
        # Malformed amounts ("0", "abc", "1.234") are refused at the edges:
        # tests/disputes/test_action_edges.py.
        with pytest.raises(ValidationFailed) as exc:
            open_case(OrderFactory(total=D("200.00")), amount="200.01")
        assert "amount" in exc.value.errors

    def test_new_case_after_a_closed_one_only_for_what_is_left(self):
        order = OrderFactory(total=D("200.00"))
        first = open_case(order, amount=D("150.00"))
        services.dispute_accept(dispute=first, actor=first.store.owner)
        with pytest.raises(ValidationFailed):
            open_case(order, amount=D("60.00"))
        assert open_case(order, amount=D("50.00")).amount == D("50.00")


class TestNegotiationMoney:
    def test_accept_refunds_the_claim(self):
        story = case_in_state("closed", amount=D("120.00"))
        assert story.case.resolution == "agreed"
        assert story.case.refunded_amount == D("120.00")
        assert Order.objects.get().refunded_amount == D("120.00")

    @pytest.mark.parametrize("amount", [D("100.00"), D("150.00")])
    def test_offer_must_be_below_the_claim(self, amount):
        story = case_in_state("negotiation")
        with pytest.raises(ValidationFailed):
            services.dispute_offer(
                dispute=story.case, actor=story.merchant, amount=amount, note=""
            )

    def test_accepted_offer_refunds_the_offer(self):
        story = case_in_state("negotiation")
        services.dispute_offer(
            dispute=story.case, actor=story.merchant, amount=D("30.00"), note="退30"
        )
        case = services.dispute_accept_offer(dispute=story.case, actor=story.buyer)
        assert (case.state, case.resolution) == ("closed", "agreed")
        assert refunds(case.order) == [D("30.00")]

    def test_reject_needs_a_reason(self):
        story = case_in_state("negotiation")
        with pytest.raises(ValidationFailed):
            services.dispute_reject(
                dispute=story.case, actor=story.merchant, reason=" "
            )

    def test_intervention_after_the_silent_deadline(self):
        story = case_in_state("negotiation")
        with pytest.raises(InvalidTransition):
            services.dispute_request_intervention(dispute=story.case, actor=story.buyer)
        with time_machine.travel(timezone.now() + timedelta(hours=49)):
            case = services.dispute_request_intervention(
                dispute=story.case, actor=story.buyer
            )
        assert case.state == "complaint"
        assert case.intervened_at is not None
        assert case.intervention_requested_by == "buyer"


class TestMediation:
    def test_both_acceptances_close_and_refund_once(self):
        story = case_in_state("mediation")
        services.dispute_propose(
            dispute=story.case, actor=story.agent, amount=D("70.00"), note="各退一步"
        )
        services.dispute_accept_proposal(dispute=story.case, actor=story.buyer)
        with pytest.raises(InvalidTransition):
            services.dispute_accept_proposal(dispute=story.case, actor=story.buyer)
        case = services.dispute_accept_proposal(
            dispute=story.case, actor=story.merchant
        )
        assert (case.state, case.resolution) == ("closed", "mediated")
        assert refunds(case.order) == [D("70.00")]

    def test_a_new_proposal_resets_acceptances(self):
        story = case_in_state("mediation")
        services.dispute_propose(
            dispute=story.case, actor=story.agent, amount=D("70.00"), note="方案一"
        )
        services.dispute_accept_proposal(dispute=story.case, actor=story.buyer)
        services.dispute_propose(
            dispute=story.case, actor=story.agent, amount=D("50.00"), note="方案二"
        )
        case = services.dispute_accept_proposal(
            dispute=story.case, actor=story.merchant
        )
        assert case.state == "mediation"

    def test_evidence_request_defaults_to_72_hours(self):
        story = case_in_state("verification")
        services.dispute_request_evidence(
            dispute=story.case, actor=story.agent, party="merchant", note="发货记录"
        )
        request = story.case.evidence_requests.get()
        assert request.due_at - request.created_at == pytest.approx(
            timedelta(hours=72), abs=timedelta(seconds=5)
        )
        assert story.case.events.last().evidence_request == request


class TestRuling:
    def rule(self, story, **kw):
        fields = {
            "outcome": "buyer",
            "liability": "merchant",
            "amount": D("100.00"),
            "rule": story.rule,
            "reasoning": "质量问题属实",
        }
        return services.dispute_rule(
            dispute=story.case, actor=story.agent, **{**fields, **kw}
        )

    @pytest.mark.parametrize(
        "bad",
        # Unknown rules, outcomes and liabilities never reach the service: the
        # edges parse them (tests/disputes/test_action_edges.py).
        [{"reasoning": ""}, {"amount": None}, {"amount": D("200.01")}],
    )
    def test_a_ruling_needs_everything(self, bad):
        story = case_in_state("verification")
        with pytest.raises(ValidationFailed):
            self.rule(story, **bad)
        assert story.refresh().state == "verification"
        assert not Ruling.objects.exists() and not Refund.objects.exists()

    def test_buyer_win_refunds_at_once_and_records_the_rule_version(self):
        story = case_in_state("verification")
        new = services.rule_publish(
            actor=story.supervisor, code=story.rule.code, title="新版", text="新版条款"
        )
        case = self.rule(story, amount=D("90.00"), rule=new)
        ruling = case.ruling
        assert (ruling.rule.code, ruling.rule.version) == (story.rule.code, 2)
        assert refunds(case.order) == [D("90.00")]
        assert case.appeal_deadline_at - case.ruled_at == pytest.approx(
            timedelta(days=7), abs=timedelta(seconds=5)
        )

    def test_refunds_never_exceed_the_order_total(self):
        order = OrderFactory(total=D("200.00"), refunded_amount=D("150.00"))
        story = case_in_state("verification", order=order, amount=D("50.00"))
        with pytest.raises(ValidationFailed):
            self.rule(story, amount=D("60.00"))
        assert Order.objects.get().refunded_amount == D("150.00")


class TestAppeal:
    def test_after_the_window_is_refused(self):
        story = case_in_state("ruled")
        with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
            with pytest.raises(InvalidTransition):
                services.dispute_appeal(
                    dispute=story.case, actor=story.merchant, reason="晚了"
                )

    def test_only_once(self):
        story = case_in_state("appeal")
        services.dispute_uphold(
            dispute=story.case, actor=story.supervisor, reasoning="维持"
        )
        with pytest.raises(InvalidTransition):
            services.dispute_appeal(
                dispute=story.case, actor=story.buyer, reason="再诉"
            )

    def test_the_ruling_supervisor_may_not_decide_the_appeal(self):
        story = case_in_state("verification")
        boss = story.supervisor
        services.dispute_rule(
            dispute=story.case,
            actor=boss,
            outcome="merchant",
            liability="none",
            rule=story.rule,
            reasoning="无质量问题",
        )
        services.dispute_appeal(dispute=story.case, actor=story.buyer, reason="新证据")
        with pytest.raises(ActionNotPermitted):
            services.dispute_uphold(dispute=story.case, actor=boss, reasoning="维持")
        case = services.dispute_uphold(
            dispute=story.case, actor=supervisor(), reasoning="维持"
        )
        assert case.resolution == "upheld"

    def test_overturn_to_buyer_after_merchant_win_refunds(self):
        story = case_in_state("appeal", outcome="merchant")
        case = services.dispute_overturn(
            dispute=story.case,
            actor=story.supervisor,
            outcome="buyer",
            liability="merchant",
            amount=D("100.00"),
            rule=story.rule,
            reasoning="物流记录显示商品破损",
        )
        assert (case.resolution, case.outcome, case.liability) == (
            "overturned",
            "buyer",
            "merchant",
        )
        assert refunds(case.order) == [D("100.00")]
        assert case.events.last().amount == D("100.00")

    def test_larger_buyer_amount_refunds_only_the_difference(self):
        order = OrderFactory(total=D("200.00"))
        story = case_in_state("verification", order=order, amount=D("150.00"))
        services.dispute_rule(
            dispute=story.case,
            actor=story.agent,
            outcome="buyer",
            liability="merchant",
            amount=D("60.00"),
            rule=story.rule,
            reasoning="部分支持",
        )
        services.dispute_appeal(dispute=story.case, actor=story.buyer, reason="应全额")
        case = services.dispute_overturn(
            dispute=story.case,
            actor=story.supervisor,
            outcome="buyer",
            liability="merchant",
            amount=D("150.00"),
            rule=story.rule,
            reasoning="全额支持",
        )
        assert refunds(order) == [D("60.00"), D("90.00")]
        assert case.refunded_amount == D("150.00")
        assert Order.objects.get().refunded_amount == D("150.00")

    def test_overturn_to_merchant_compensates_and_claws_nothing_back(self):
        story = case_in_state("appeal")  # buyer won 100.00, merchant appealed
        case = services.dispute_overturn(
            dispute=story.case,
            actor=story.supervisor,
            outcome="merchant",
            liability="buyer",
            rule=story.rule,
            reasoning="买家人为损坏",
        )
        assert refunds(case.order) == [D("100.00")]
        assert refunds(case.order, kind="compensation") == [D("100.00")]
        assert Order.objects.get().refunded_amount == D("100.00")
        assert case.appeal_record.compensation_amount == D("100.00")
        assert (case.outcome, case.liability) == ("merchant", "buyer")

    def test_overturn_that_changes_nothing_is_refused(self):
        story = case_in_state("appeal")
        with pytest.raises(ValidationFailed):
            services.dispute_overturn(
                dispute=story.case,
                actor=story.supervisor,
                outcome="buyer",
                liability="merchant",
                amount=D("100.00"),
                rule=story.rule,
                reasoning="同原裁定",
            )


class TestRules:
    def test_a_new_version_never_rewrites_the_old(self):
        rule = PlatformRuleFactory(code="quality")
        new = services.rule_publish(actor=None, code="quality", title="v2", text="新")
        assert new.version == 2
        old = PlatformRule.objects.get(pk=rule.pk)
        assert (old.title, old.version) == (rule.title, 1)
        assert list(
            PlatformRule.objects.in_force().values_list("version", flat=True)
        ) == [2]
        old.title = "改写"
        with pytest.raises(ValueError):
            old.save()

    def test_future_versions_are_not_yet_in_force(self):
        PlatformRuleFactory(code="quality")
        services.rule_publish(
            actor=None,
            code="quality",
            title="v2",
            text="新",
            effective_from=timezone.now() + timedelta(days=3),
        )
        assert PlatformRule.objects.in_force().get().version == 1


def test_appeal_review_deadline_counts_from_filing():
    story = case_in_state("appeal")
    filed = story.case.appeal_record.filed_at
    assert story.case.deadline_kind == "appeal_review"
    assert story.case.deadline_at == add_working_hours(filed, 72)
    with time_machine.travel(timezone.now() + timedelta(hours=5)):
        services.message_post(dispute=story.case, actor=story.buyer, body="补充")
        case = services.dispute_uphold(
            dispute=story.case, actor=story.supervisor, reasoning="维持"
        )
    assert case.deadline_at is None


def test_accept_proposal_is_offered_only_to_a_party_who_has_not_accepted():
    story = case_in_state("mediation")
    services.dispute_propose(
        dispute=story.case, actor=story.agent, amount=D("70.00"), note="方案"
    )
    case = services.dispute_accept_proposal(dispute=story.case, actor=story.buyer)
    assert "accept_proposal" not in services.available_actions(case, story.buyer)
    assert "accept_proposal" in services.available_actions(case, story.merchant)


def test_appeal_review_target_counts_working_hours_over_national_day():
    """An appeal filed on Wednesday 30 September 2026 at 20:00 (China time):
    one working hour that evening, 1-7 October off, Saturday 10 October a
    make-up working day; 72 working hours of 09:00-21:00 end on Wednesday
    14 October at 20:00."""
    filed = datetime(2026, 9, 30, 20, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(filed - timedelta(days=2), tick=False):
        story = case_in_state("ruled")
    with time_machine.travel(filed, tick=False):
        case = services.dispute_appeal(
            dispute=story.case, actor=story.merchant, reason="证据没有被看到"
        )
    assert case.deadline_kind == "appeal_review"
    assert case.deadline_at == datetime(
        2026, 10, 14, 20, tzinfo=ZoneInfo("Asia/Shanghai")
    )


def test_the_migration_recounts_deadlines_of_cases_already_under_appeal():
    """disputes 0017: a case appealed under the old rule (calendar time) gets
    the working-hours deadline; a case in another state keeps its own."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    recount = import_module(
        "disputes.migrations.0017_appeal_review_working_hours"
    ).recount
    appealed = case_in_state("appeal")
    filed = appealed.case.appeal_record.filed_at
    Dispute.objects.filter(pk=appealed.case.pk).update(
        deadline_at=filed + timedelta(hours=72)  # the old calendar-time target
    )
    other = case_in_state("ruled")
    before = Dispute.objects.get(pk=other.case.pk).deadline_at
    recount(apps, SimpleNamespace(connection=connection))
    assert Dispute.objects.get(pk=appealed.case.pk).deadline_at == add_working_hours(
        filed, 72
    )
    assert Dispute.objects.get(pk=other.case.pk).deadline_at == before
