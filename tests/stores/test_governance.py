"""Governance: the tier-proposal table, decisions, appeals, notices, and the
order import refusing a suspended or delisted store."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from core.errors import (
    ActionNotPermitted,
    InvalidTransition,
    NotVisible,
    ValidationFailed,
)
from stores.governance import (
    DEFAULT_RULE,
    action_decide,
    action_propose,
    appeal_decide,
    appeal_due,
    appeal_file,
    rule_in_force,
    rule_new,
    tier_for,
    tier_proposal,
)
from stores.models import (
    ActionState,
    AppealState,
    GovernanceNotice,
    Store,
    StoreReviewLog,
)
from tests import factories as f

pytestmark = pytest.mark.django_db
T = DEFAULT_RULE["thresholds"]

# (current tier, score, proposed tier or None)
PROPOSALS = [
    ("good", None, None),
    ("good", 100, None),
    ("good", 85, None),
    ("good", 84.9, "watch"),
    ("good", 70, "watch"),
    ("good", 69.9, "warning"),
    ("good", 55, "warning"),
    ("good", 54.9, "restricted"),
    ("good", 39.9, "suspended"),
    ("good", 10, "suspended"),  # delisting only from suspended
    ("watch", 90, "good"),
    ("warning", 80, "watch"),
    ("restricted", 86, "good"),
    ("restricted", 50, None),
    ("suspended", 90, None),  # reinstatement is a supervisor's decision
    ("suspended", 30, None),
    ("suspended", 24.9, "delisted"),
    ("delisted", 100, None),
    ("delisted", 0, None),
]


@pytest.mark.parametrize(("current", "score", "proposed"), PROPOSALS)
def test_tier_proposal_table(current, score, proposed):
    assert tier_proposal(current, score, T) == proposed


def test_tier_for_bounds():
    assert [tier_for(s, T) for s in (85, 84, 70, 69, 55, 54, 40, 39, 25, 24)] == [
        "good", "watch", "watch", "warning", "warning", "restricted",
        "restricted", "suspended", "suspended", "delisted",
    ]  # fmt: skip


def test_rule_versions_only_in_the_future():
    first = rule_in_force()
    assert first.version == 1
    boss = f.supervisor()
    with pytest.raises(ValidationFailed):
        rule_new(actor=boss, effective_from=timezone.now(), note="x")
    with pytest.raises(ActionNotPermitted):
        soon = timezone.now() + timedelta(days=1)
        rule_new(actor=f.agent(), effective_from=soon, note="x")
    later = timezone.now() + timedelta(days=7)
    second = rule_new(actor=boss, effective_from=later, note="更严", min_orders=50)
    assert second.version == 2 and second.min_orders == 50
    assert second.figures == first.figures
    assert rule_in_force().version == 1
    assert rule_in_force(later + timedelta(seconds=1)).version == 2


def _suspend(store, boss):
    action = action_propose(
        store=store, to_tier="suspended", score=30, facts={"score": 30,
        "window_days": 30, "orders": 40, "figures": [{"name": "dispute_rate",
        "value": 0.25, "numerator": 10, "denominator": 40, "weight": 25,
        "category_median": 0.05, "percentile": 0.1}]},
    )  # fmt: skip
    return action_decide(action=action, actor=boss, approve=True, reason="纠纷率过高")


def test_decision_moves_the_store_and_tells_the_merchant(run_tasks):
    store, boss = f.StoreFactory(), f.supervisor()
    owner = store.owner
    owner.email = "m@example.com"
    owner.save()
    action = _suspend(store, boss)
    run_tasks()
    store.refresh_from_db()
    assert (store.tier, store.status, store.accepts_orders) == (
        "suspended",
        "suspended",
        False,
    )
    assert action.state == ActionState.APPLIED
    assert StoreReviewLog.objects.get().to_status == "suspended"
    notice = GovernanceNotice.objects.get()
    assert notice.kind == "applied"
    body = notice.body
    # In the owner's language (Chinese by default): facts, figures and their
    # computation, the rule version, the consequence, how to appeal.
    for needle in (
        "由“良好”调整为“已暂停”",
        "主管理由：纠纷率过高",
        "得分：近 30 天 30 分（满分 100，共 40 笔订单）",
        "纠纷率：25.00% = 10 发起售后单数 / 40 笔订单；权重 25；类目中位数 5.00%",
        "不差于类目 10.00% 的店铺",
        "店铺治理规则第 1 版",
        "后果：暂停：店铺不再接收新订单",
        "如何申诉：可在 http://",
        "3 个工作日内处理",
    ):
        assert needle in body, needle
    assert "/reports/store/health/" in body  # how to appeal
    assert notice.subject == f"{store.name}：您的店铺等级调整为“已暂停”"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["m@example.com"]


def test_decisions_need_a_supervisor_and_a_reason():
    store = f.StoreFactory()
    action = action_propose(store=store, to_tier="watch", score=80)
    with pytest.raises(ActionNotPermitted):
        action_decide(action=action, actor=f.agent(), approve=True, reason="x")
    with pytest.raises(ValidationFailed):
        action_decide(action=action, actor=f.supervisor(), approve=True, reason=" ")
    boss = f.supervisor()
    declined = action_decide(action=action, actor=boss, approve=False, reason="观察")
    assert declined.state == ActionState.DECLINED
    assert Store.objects.get().tier == "good"
    assert not GovernanceNotice.objects.exists()


def test_one_open_proposal_per_store():
    store = f.StoreFactory()
    first = action_propose(store=store, to_tier="watch", score=80)
    second = action_propose(store=store, to_tier="warning", score=60)
    assert first.pk == second.pk and second.to_tier == "warning"


def test_one_appeal_decided_by_another_supervisor():
    store, boss, other = f.StoreFactory(), f.supervisor(), f.supervisor()
    action = _suspend(store, boss)
    with pytest.raises(NotVisible):
        appeal_file(action=action, actor=f.merchant(), reason="不是我")
    appeal = appeal_file(action=action, actor=store.owner, reason="承运商停运")
    with pytest.raises(InvalidTransition):
        appeal_file(action=action, actor=store.owner, reason="again")
    with pytest.raises(ActionNotPermitted):
        appeal_decide(appeal=appeal, actor=boss, overturn=True, reason="x")
    decided = appeal_decide(appeal=appeal, actor=other, overturn=True, reason="证据")
    assert decided.state == AppealState.OVERTURNED
    store.refresh_from_db()
    assert (store.tier, store.status) == ("good", "active")
    assert [n.kind for n in GovernanceNotice.objects.order_by("id")] == [
        "applied",
        "appeal_overturned",
    ]


def test_appeal_due_in_three_working_days():
    tz = ZoneInfo("Asia/Shanghai")
    # Friday 2026-12-04 10:00: due Wednesday 10:00 (the weekend does not count).
    filed = datetime(2026, 12, 4, 10, 0, tzinfo=tz)
    assert appeal_due(filed, 3) == datetime(2026, 12, 9, 10, 0, tzinfo=tz)


def test_reinstatement_is_an_action_with_its_own_notice():
    store, boss = f.StoreFactory(), f.supervisor()
    _suspend(store, boss)
    action = action_propose(store=store, to_tier="warning", proposed_by=f.agent())
    action_decide(action=action, actor=f.supervisor(), approve=True, reason="整改完成")
    store.refresh_from_db()
    assert (store.tier, store.status) == ("warning", "active")
    assert GovernanceNotice.objects.first().kind == "reinstated"


def batch(buyer, store, number="S-9"):
    return {"orders": [{
        "number": number, "buyer": buyer.username, "store": store.pk,
        "total": "9.00", "status": "paid", "placed_at": "2026-11-01T10:00:00+08:00",
        "items": [],
    }]}  # fmt: skip


@pytest.mark.parametrize("status", ["suspended", "delisted"])
def test_import_refuses_a_store_that_receives_no_orders(status):
    from tests.api.conftest import client_for

    store = f.StoreFactory(status=status, tier=status)
    client = client_for(f.supervisor())
    r = client.post("/api/v1/orders/bulk/", batch(f.buyer(), store), format="json")
    assert r.status_code == 409, r.json()
    assert "receives no new orders" in str(r.json())
    assert not store.orders.exists()


def test_buyers_still_open_disputes_on_a_suspended_stores_past_orders():
    from tests.api.conftest import client_for

    order = f.OrderFactory()
    _suspend(order.store, f.supervisor())
    r = client_for(order.buyer).post(
        "/api/v1/disputes/",
        {"order": order.number, "reason": "quality", "remedy": "refund_only",
         "amount": "10.00", "description": "坏了"},
        format="json",
    )  # fmt: skip
    assert r.status_code == 201, r.json()
