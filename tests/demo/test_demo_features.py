"""A fresh demo shows every feature, with true figures, whatever the method.

Seeded on a fixed clock (the agents' targets count working hours on the
Chinese calendar, so the day matters), the same seed gives the same counts
through the services and in bulk.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.db.models import Q, Sum

from demo import seeding as demo
from demo import vocab
from demo.lines import KITS
from demo.stories import GOODS_REASONS
from disputes.models import (
    Appeal,
    CannedReply,
    Dispute,
    DisputeEvent,
    Macro,
    PlatformRule,
    ReasoningTemplate,
    Ruling,
)
from orders.models import Refund, RefundKind
from reports.models import Rollup

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 3, 16, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CASES = 120


@pytest.fixture(scope="module", params=["services", "bulk"])
def seeded(request, django_db_setup, django_db_blocker):
    """The demo, seeded once per method and rolled back after the tests."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with time_machine.travel(MONDAY, tick=False):
                demo.seed_demo(cases=CASES, batch_size=50, method=request.param)
            yield request.param
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_the_agents_tools_are_there_for_every_rule_and_reason(seeded):
    assert Macro.objects.filter(active=True).count() == len(vocab.MACROS) == 4
    assert Macro.objects.filter(start_mediation=True).exists()
    assert Macro.objects.exclude(evidence_party="").exists()
    replies = set(CannedReply.objects.values_list("reason", flat=True))
    assert replies == {"", *KITS}
    rules = PlatformRule.objects.count()
    assert ReasoningTemplate.objects.count() == 2 * rules == 2 * 12
    assert not PlatformRule.objects.filter(reasoning_templates__isnull=True)


def test_a_counterfeit_rule_pays_three_times_and_rulings_award_it(seeded):
    rule = PlatformRule.objects.get(compensation_multiple__isnull=False)
    assert (rule.code, rule.version, rule.compensation_multiple) == (
        "counterfeit",
        2,
        3,
    )
    awarded = Ruling.objects.filter(compensation_amount__gt=0)
    assert awarded.count() == 2
    for ruling in awarded.select_related("rule", "dispute"):
        assert ruling.rule == rule
        assert ruling.compensation_amount == rule.compensation_for(ruling.amount)
        paid = Refund.objects.get(
            dispute=ruling.dispute, kind=RefundKind.BUYER_COMPENSATION
        )
        assert paid.amount == ruling.compensation_amount
    # buyer1's final ruling and buyer2's open one (merchant2 may appeal it).
    owners = set(awarded.values_list("dispute__buyer__username", "dispute__state"))
    assert {("buyer1", "closed"), ("buyer2", "ruled")} <= owners
    # No ruling awards compensation under a rule without it.
    assert not Ruling.objects.filter(
        compensation_amount__gt=0, rule__compensation_multiple__isnull=True
    )


def totals(*measures: str) -> dict[str, int]:
    """The report's platform totals (the rollups a manager reads)."""
    rows = Rollup.objects.filter(cuboid=1)
    return rows.aggregate(**{m: Sum(m) for m in measures})


def test_some_cases_meet_the_agents_targets_and_some_miss_them(seeded):
    figures = totals("pickup_met", "pickup_missed", "ruling_met", "ruling_missed")
    assert figures == {
        "pickup_met": 37,
        "pickup_missed": 9,
        "ruling_met": 35,
        "ruling_missed": 1,
    }
    # A missed target is on the timeline (internal), after its warning.
    missed = Dispute.objects.filter(
        Q(pickup_breached_at__isnull=False) | Q(ruling_breached_at__isnull=False)
    )
    assert missed.count() == 10
    for case in missed:
        breaches = DisputeEvent.objects.filter(dispute=case, action="sla_breach")
        assert breaches.count() == (case.pickup_breached_at is not None) + (
            case.ruling_breached_at is not None
        )
        assert all(e.internal and e.actor_role == "system" for e in breaches)
    warnings = DisputeEvent.objects.filter(action="sla_warning")
    assert warnings.count() > missed.count()


def test_every_story_keeps_to_its_reason_and_remedy(seeded):
    # The goods showcase (demo/goods.py, orders ending in G) writes its own
    # words; the drawn stories, money and goods, take theirs from the kit.
    drawn = Dispute.objects.exclude(order__number__endswith="G")
    for case in drawn.select_related("ruling", "appeal_record"):
        kit = KITS[case.reason]
        goods = case.reason in GOODS_REASONS.get(case.remedy, ())
        assert case.remedy in kit.remedies or goods, case.number
        assert case.description in sum(kit.descriptions.values(), ())
        ruling = getattr(case, "ruling", None)
        if ruling is not None:
            said = kit.buyer_wins if ruling.outcome == "buyer" else kit.merchant_wins
            assert ruling.reasoning in said, case.number
        appeal = getattr(case, "appeal_record", None)
        if appeal is not None and appeal.party == "merchant":
            assert appeal.reason in kit.merchant_appeals, case.number
        if case.rejection_reason:
            assert case.rejection_reason in kit.rejections, case.number
    # An overturn decides for whoever appealed.
    for appeal in Appeal.objects.filter(decision="overturned"):
        assert appeal.outcome == appeal.party, appeal.dispute.number


def test_an_agent_uses_the_seeded_macros_and_replies_on_their_case(seeded, client):
    """Supervisors keep the tools (agents only view the lists); agents use
    them on the cases they handle."""
    handled = Dispute.objects.filter(
        state="verification", assigned_to__groups__name="agent"
    )
    case = handled.order_by("pk").first()
    client.force_login(case.assigned_to)
    page = client.get(f"/admin/disputes/dispute/{case.pk}/change/").content.decode()
    assert all(name in page for name, *_rest in vocab.MACROS)
    assert all(
        title in page
        for reason, title, _body in vocab.CANNED_REPLIES
        if reason in ("", case.reason)
    )
    mediate = Macro.objects.get(start_mediation=True)
    client.post(f"/admin/disputes/dispute/{case.pk}/macro/", {"macro": mediate.pk})
    case.refresh_from_db()
    assert case.state == "mediation"
    assert client.get("/admin/disputes/macro/add/").status_code == 403
    assert client.get("/admin/disputes/macro/").status_code == 200


def test_every_seeded_case_record_verifies(seeded):
    """Both methods seal each case's timeline as timeline_write does (the files
    are checked in tests/disputes: this module's media folder moves per test)."""
    from django.core.management import call_command

    call_command("verify_case_chain", "--skip-files")  # CommandError when broken
    assert not DisputeEvent.objects.filter(seq__isnull=True).exists()


def test_every_store_has_a_return_address_and_the_goods_rules_exist(seeded):
    from stores.models import Store
    from stores.selectors import return_address

    stores = list(Store.objects.order_by("pk"))
    assert all(return_address(s) is not None for s in stores)
    assert return_address(stores[0]).one_line.startswith("浙江杭州市余杭区")
    assert return_address(stores[1]).one_line.startswith("广东广州市白云区")
    codes = set(PlatformRule.objects.values_list("code", flat=True))
    assert {"no-reason", "return-shipping"} <= codes


def test_the_goods_showcase_has_every_step(seeded):
    # The showcase's orders end in G; the drawn goods stories are counted in
    # tests/demo/test_demo_goods.py.
    showcase = Dispute.objects.filter(order__number__endswith="G")
    returning = set(
        showcase.filter(state="returning").values_list("return_step", flat=True)
    )
    assert returning == {
        "awaiting_return",
        "return_in_transit",
        "awaiting_replacement",
        "replacement_in_transit",
    }
    assert showcase.filter(resolution="return_lapsed").count() == 2
    assert showcase.filter(remedy="resend", state="closed").count() == 1
    assert showcase.filter(remedy="exchange").count() == 2
    refused = showcase.get(goods_escalated_at__isnull=False)
    assert refused.state == "complaint"
    assert not Dispute.objects.filter(reason="return_exchange").exists()


def test_the_demo_spreads_stores_over_every_tier_with_a_suspended_story(seeded):
    from reports.models import CaseContest, StoreHealth
    from stores.models import GovernanceAppeal, GovernanceNotice, Store

    tiers = set(Store.objects.values_list("tier", flat=True))
    assert tiers == {"good", "watch", "warning", "restricted", "suspended", "delisted"}
    suspended = Store.objects.get(tier="suspended")
    assert suspended.status == "suspended" and not suspended.accepts_orders
    assert GovernanceNotice.objects.filter(store=suspended).exists()
    appeal = GovernanceAppeal.objects.get()
    assert appeal.state == "pending" and appeal.action.store == suspended
    assert CaseContest.objects.filter(state="pending").count() == 1
    assert StoreHealth.objects.count() == Store.objects.count()
    first, second = Store.objects.order_by("pk")[:2]
    assert (first.tier, second.tier) == ("good", "good")
