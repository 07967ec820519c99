"""The demo's store health and governance: scores for every store, stores
spread over every tier through real actions (each with its notice), one
suspended store whose merchant has a notice and a pending appeal, one open
proposal in the supervisors' queue, and one contested case.

Store 1 and store 2 keep their tier (good) and behaviour; the contest is on
a case of store 1 and awaits a supervisor.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.utils import translation

from accounts.models import User
from disputes.models import Dispute
from reports.contests import contest_file
from reports.health import facts_of, health_recompute, latest_health
from stores.governance import action_decide, action_propose, appeal_file
from stores.models import Store, StoreStatus, Tier

from .script import World

REASONS = {
    Tier.WATCH: "近30天纠纷率高于类目中位数，提醒关注售后质量。",
    Tier.WARNING: "商家责任判定率连续两周高于类目，给予警告。",
    Tier.RESTRICTED: "平台介入率远高于类目，限制参加营销活动，整改后恢复。",
    Tier.SUSPENDED: "近30天平台介入率远高于类目平均，且存在售假投诉，暂停经营整改。",
    Tier.DELISTED: "暂停期间仍未整改，多次判定商家责任，予以下架。",
}


def _decide(store: Store, tier: str, supervisor: User) -> None:
    health = latest_health([store.pk]).get(store.pk)
    facts = facts_of(health, health.day) if health else {}
    action = action_propose(
        store=store,
        to_tier=tier,
        score=health.score if health else None,
        facts=facts,
    )
    action_decide(
        action=action, actor=supervisor, approve=True, reason=REASONS[Tier(tier)]
    )
    store.refresh_from_db()


def seed_governance(world: World) -> None:
    """Score every store, then give the demo its governance stories (the
    notices written in the platform's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        _seed(world)


def _seed(world: World) -> None:
    health_recompute(propose=False)
    boss = User.objects.get(pk=world.known["supervisor1"])
    keep = {world.stores[0].id, world.stores[1].id}
    suspended = Store.objects.filter(status=StoreStatus.SUSPENDED).first()
    others = list(
        Store.objects.exclude(pk__in=keep)
        .filter(status=StoreStatus.ACTIVE)
        .order_by("pk")
    )
    # The worst-scored stores first (unscored last), for believable tiers.
    scores = latest_health([s.pk for s in others])
    others.sort(
        key=lambda s: (
            scores.get(s.pk) is None or scores[s.pk].score is None,
            scores[s.pk].score if s.pk in scores and scores[s.pk].score else 0,
        )
    )
    plan = [Tier.DELISTED, Tier.RESTRICTED, Tier.WARNING, Tier.WATCH, Tier.WATCH]
    for store, tier in zip(others, plan, strict=False):
        if tier == Tier.DELISTED:
            _decide(store, Tier.SUSPENDED, boss)
        _decide(store, tier, boss)
    if suspended is not None:
        _decide(suspended, Tier.SUSPENDED, boss)
        owner = User.objects.get(pk=suspended.owner_id)
        appeal_file(
            action=suspended.governance_actions.latest("decided_at"),
            actor=owner,
            reason="售假投诉系买家误解，已提供品牌授权书；介入率偏高因物流停运，申请复核。",
        )
    # One proposal waiting for a supervisor.
    rest = others[len(plan) : len(plan) + 1]
    for store in rest:
        health = scores.get(store.pk)
        action_propose(
            store=store,
            to_tier=Tier.WATCH,
            score=health.score if health else None,
            facts=facts_of(health, health.day) if health else {},
            note="纠纷率接近提醒线。",
        )
    # One contested case of store 1 (merchant1), waiting for a supervisor.
    case = (
        Dispute.objects.filter(store_id=world.stores[0].id)
        .filter(Q(intervened_at__isnull=False))
        .order_by("-opened_at")
        .first()
    )
    if case is not None:
        contest_file(
            dispute=case,
            actor=User.objects.get(pk=world.known["merchant1"]),
            grounds="carrier_outage",
            reason="该单发货期间承运商区域停运，延误非商家原因。",
            evidence="承运商停运公告（编号 SF-2026-1108），"
            "发货记录截图已上传至案件证据。",
        )
    health_recompute(propose=False)
