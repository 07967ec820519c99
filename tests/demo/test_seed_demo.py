"""`manage.py seed_demo`: a consistent demo data set, built through the services.

The demo is seeded once for this module (inside a transaction rolled back
at the end); each test runs in its own savepoint on top of it. The empty-
database cases (DEBUG guard, progress, the bulk path) are in
`test_seed_demo_runs.py`; bulk-vs-services in `test_demo_equivalence.py`.
"""

import re
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from itertools import pairwise

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from accounts.models import User
from core.roles import Role, role_of
from core.workcalendar import working_hours
from demo import seeding as demo
from demo.goods import CASES as GOODS_CASES
from disputes import services
from disputes.choices import Reason, Remedy, Resolution, State
from disputes.models import (
    Appeal,
    Dispute,
    DisputeEvent,
    EvidenceRequest,
    Message,
    PlatformRule,
    Ruling,
)
from disputes.policy import policy_for
from disputes.rules_pure import deadline_for
from disputes.sla import current_target
from orders.models import Order, OrderStatus, Refund, RefundKind
from stores.models import Store

pytestmark = pytest.mark.django_db

CASES = 40
KNOWN = {
    "buyer1": Role.BUYER,
    "buyer2": Role.BUYER,
    "merchant1": Role.MERCHANT,
    "merchant2": Role.MERCHANT,
    "agent1": Role.AGENT,
    "agent2": Role.AGENT,
    "supervisor1": Role.SUPERVISOR,
    "supervisor2": Role.SUPERVISOR,
    "manager1": Role.MANAGER,
}
MODELS = [
    User,
    Store,
    Order,
    Refund,
    Dispute,
    DisputeEvent,
    Message,
    Ruling,
    Appeal,
    EvidenceRequest,
    PlatformRule,
]


def seed(**options) -> str:
    out = StringIO()
    options = {"cases": CASES, "force": True, "batch_size": 25, **options}
    call_command("seed_demo", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield seed()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_every_state_and_every_resolution_is_there(seeded):
    assert "services" in seeded
    assert Dispute.objects.count() == CASES + len(GOODS_CASES)
    states = set(Dispute.objects.values_list("state", flat=True))
    assert states == set(State.values)
    resolutions = set(
        Dispute.objects.filter(state=State.CLOSED).values_list("resolution", flat=True)
    )
    assert resolutions == set(Resolution.values)
    assert not Dispute.objects.exclude(state=State.CLOSED).exclude(resolution="")


@pytest.mark.parametrize(
    ("buyer", "merchant"), [("buyer1", "merchant1"), ("buyer2", "merchant2")]
)
def test_each_demo_buyer_and_merchant_have_every_state_and_resolution(
    seeded, buyer, merchant
):
    theirs = Dispute.objects.filter(
        buyer__username=buyer, store__owner__username=merchant
    )
    assert set(theirs.values_list("state", flat=True)) == set(State.values)
    assert set(theirs.values_list("resolution", flat=True)) - {""} == set(
        Resolution.values
    )


def test_the_well_known_accounts_sign_in_with_the_demo_password(seeded):
    for username, role in KNOWN.items():
        user = authenticate(username=username, password=demo.DEFAULT_PASSWORD)
        assert user is not None, username
        assert role_of(user) == role
        assert user.email
    assert User.objects.filter(groups__name="buyer").count() > 40


def test_platform_staff_have_staff_numbers_and_parties_none(seeded):
    staff = User.objects.filter(groups__name__in=["agent", "supervisor"])
    assert staff.exists() and not staff.filter(staff_number="").exists()
    numbers = list(staff.values_list("staff_number", flat=True))
    assert len(numbers) == len(set(numbers))
    assert not User.objects.filter(groups__name="buyer").exclude(staff_number="")


def test_store_one_and_two_belong_to_merchant1_and_merchant2(seeded):
    first, second = Store.objects.order_by("pk")[:2]
    assert first.owner.username == "merchant1"
    assert second.owner.username == "merchant2"
    assert Store.objects.exclude(owner__groups__name="merchant").count() == 0
    # The six business lines of the cases, then 生鲜 and 跨境 (docs/policy.md).
    per_category = (
        Store.objects.exclude(category__code__in=["fresh", "crossborder"])
        .values("category")
        .annotate(n=Count("id"))
    )
    assert len(per_category) == 6
    assert all(row["n"] >= 2 for row in per_category)
    assert Store.objects.values("region").distinct().count() >= 3
    assert all(re.search(r"[\u4e00-\u9fff]", s.name) for s in Store.objects.all())


@pytest.mark.parametrize("username", ["buyer1", "buyer2"])
def test_known_buyers_can_open_a_case_on_fresh_orders_at_store_1_and_2(
    seeded, username
):
    buyer = User.objects.get(username=username)
    for store in Store.objects.order_by("pk")[:2]:
        fresh = Order.objects.filter(
            buyer=buyer,
            store=store,
            status=OrderStatus.DELIVERED,
            disputes__isnull=True,
            delivered_at__gte=timezone.now() - timedelta(days=5),
        )
        assert fresh.count() >= 5
        case = services.dispute_open(
            actor=buyer,
            order=fresh.first(),
            reason=Reason.QUALITY,
            remedy=Remedy.REFUND_ONLY,
            amount=Decimal("1.00"),
            description="试一下",
        )
        assert case.state == State.NEGOTIATION


def test_refunds_match_the_cases_and_the_orders(seeded):
    by_case = dict(
        Refund.objects.filter(kind=RefundKind.REFUND)
        .values_list("dispute")
        .annotate(s=Sum("amount"))
    )
    for number, pk, refunded in Dispute.objects.values_list(
        "number", "pk", "refunded_amount"
    ):
        assert by_case.get(pk, Decimal("0.00")) == refunded, number
    by_order = dict(
        Refund.objects.filter(kind=RefundKind.REFUND)
        .values_list("order")
        .annotate(s=Sum("amount"))
    )
    for pk, refunded, total in Order.objects.values_list(
        "pk", "refunded_amount", "total"
    ):
        assert by_order.get(pk, Decimal("0.00")) == refunded <= total
    assert Refund.objects.filter(kind=RefundKind.MERCHANT_COMPENSATION).exists() or (
        not Appeal.objects.filter(compensation_amount__isnull=False).exists()
    )


def test_each_timeline_is_a_chain_from_open_to_the_current_state(seeded):
    timelines = defaultdict(list)
    for event in DisputeEvent.objects.order_by("created_at", "id"):
        timelines[event.dispute_id].append(event)
    now = timezone.now()
    for case in Dispute.objects.select_related("order"):
        events = timelines[case.pk]
        first, last = events[0], events[-1]
        assert (first.action, first.from_state, first.to_state) == (
            "open",
            "",
            State.NEGOTIATION,
        )
        for before, after in pairwise(events):
            assert before.to_state == after.from_state, case.number
            assert before.created_at < after.created_at, case.number
        assert last.to_state == case.state, case.number
        assert last.created_at <= now
        # Each action bumps the version; messages, evidence and the worker's
        # notes do not.
        records = {
            "message",
            "internal_note",
            "evidence",
            "evidence_timeout",
            "sla_warning",
            "sla_breach",
        }
        assert case.version == sum(e.action not in records for e in events)
        assert case.order.placed_at < case.opened_at
        assert re.fullmatch(r"D\d{14}", case.number)
        assert all(e.actor_id or e.actor_role == "system" for e in events)


def test_rulings_cite_a_rule_version_in_force_and_appeals_go_to_another_judge(
    seeded,
):
    supervisor1, supervisor2 = User.objects.filter(
        username__in=["supervisor1", "supervisor2"]
    ).order_by("username")
    needs_ruling = Dispute.objects.filter(state__in=[State.RULED, State.APPEAL]) | (
        Dispute.objects.filter(
            resolution__in=[Resolution.RULED, Resolution.UPHELD, Resolution.OVERTURNED]
        )
    )
    for case in needs_ruling:
        ruling = Ruling.objects.select_related("rule").get(dispute=case)
        assert ruling.rule.effective_from <= ruling.decided_at
        assert ruling.decided_by_id == case.ruled_by_id == case.assigned_to_id
        assert role_of(ruling.decided_by) in (Role.AGENT, Role.SUPERVISOR)
    for appeal in Appeal.objects.exclude(decision=""):
        assert appeal.decided_by_id in (supervisor1.pk, supervisor2.pk)
        assert appeal.decided_by_id != appeal.dispute.ruled_by_id
    # supervisor1 ruled buyer2's overturned case (supervisor2 decided the
    # appeal) and buyer1's open appeal, which only supervisor2 may decide.
    overturned = Appeal.objects.get(
        dispute__buyer__username="buyer2",
        dispute__ruled_by=supervisor1,
        decision="overturned",
    )
    assert overturned.decided_by == supervisor2
    pending = Dispute.objects.get(
        buyer__username="buyer1", state=State.APPEAL, ruled_by=supervisor1
    )
    assert services.available_actions(pending, supervisor2)
    assert not {"uphold", "overturn"} & set(
        services.available_actions(pending, supervisor1)
    )
    assert PlatformRule.objects.filter(version=2).exists()
    platform = [State.VERIFICATION, State.MEDIATION, State.RULED, State.APPEAL]
    assert not Dispute.objects.filter(state__in=platform, assigned_to__isnull=True)


def test_deadlines_match_the_state_and_some_are_due(seeded):
    for case in Dispute.objects.select_related("store__category", "appeal_record"):
        filed = case.appeal_record.filed_at if case.state == State.APPEAL else None
        # The deadline as of the case's last action (what the services wrote).
        target = current_target(case, policy_for(case.store.category))
        expected = deadline_for(
            case,
            policy_for(case.store.category),
            appeal_filed_at=filed,
            target=(target.kind, target.due_at) if target else None,
            now=case.updated_at,
            calendar=working_hours(),
        )
        assert (case.deadline_at, case.deadline_kind) == expected, case.number
        assert case.sla_due_at == (target.due_at if target else None)
    assert Dispute.objects.filter(state=State.APPEAL, deadline_kind="appeal_review")
    now = timezone.now()
    assert Dispute.objects.exclude(state=State.CLOSED).filter(deadline_at__lt=now)
    done = services.apply_due_deadlines()
    assert done["silent"] >= 1
    assert done["closed"] >= 1
    assert done["evidence_timeouts"] >= 1
    assert done["errors"] == 0


def test_running_twice_adds_nothing_and_keeps_passwords(seeded):
    before = counts()
    hashes = dict(User.objects.values_list("username", "password"))
    out = seed(password="another-pass-1")
    assert "already there" in out
    assert counts() == before
    assert dict(User.objects.values_list("username", "password")) == hashes


def test_reset_passwords_gives_the_known_accounts_the_new_password(seeded):
    seed(password="another-pass-1", reset_passwords=True)
    for username in KNOWN:
        assert authenticate(username=username, password="another-pass-1")
    assert not authenticate(username="agent1", password=demo.DEFAULT_PASSWORD)
