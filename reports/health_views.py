"""Store health pages: the merchant's `/reports/store/health/` (score,
figures, the cases that moved them, notices, appeals) and the managers'
`/reports/stores/` (distribution, tiers, every action and appeal)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from core.errors import ApplicationError
from core.roles import Role, is_staff_role, role_of
from disputes.selectors import visible_disputes
from stores.governance import CONSEQUENCES, appeal_file, rule_in_force
from stores.models import (
    ActionState,
    AppealState,
    GovernanceAction,
    GovernanceAppeal,
    GovernanceNotice,
    Store,
    Tier,
)
from stores.scoping import store_ids_for
from stores.signals import store_health_seen

from .contests import contest_file
from .health import SAMPLE_TOO_SMALL, cases_that_moved, figure_rows, latest_health
from .models import CaseContest, StoreHealth

HISTORY_DAYS = 30


def _allowed_stores(request: HttpRequest):
    if role_of(request.user) == Role.MERCHANT:
        return Store.objects.filter(pk__in=store_ids_for(request.user))
    if is_staff_role(request.user):
        return Store.objects.all()
    raise Http404


@login_required
def store_health(request: HttpRequest) -> HttpResponse:
    """A merchant's store health (staff may look at any store)."""
    allowed = _allowed_stores(request)
    mine = role_of(request.user) == Role.MERCHANT
    stores = list(allowed.order_by("pk")[:200]) if mine else []
    chosen = request.GET.get("store", "")
    if chosen:
        current = allowed.select_related("category").filter(pk=_int(chosen)).first()
    else:
        current = stores[0] if stores else None
        if current is not None:
            current = Store.objects.select_related("category").get(pk=current.pk)
    if current is None:
        if not mine and not chosen:
            return redirect("reports:stores")  # staff: choose a store there
        raise Http404
    health = latest_health([current.pk]).get(current.pk)
    history = list(
        StoreHealth.objects.filter(store=current)
        .order_by("-day")
        .values("day", "score", "window_days", "orders")[:HISTORY_DAYS]
    )
    actions = list(
        GovernanceAction.objects.filter(store=current)
        .exclude(state=ActionState.PROPOSED)
        .exclude(state=ActionState.DECLINED)
        .select_related("rule", "appeal")
        .order_by("-decided_at", "-id")[:50]
    )
    notices = list(GovernanceNotice.objects.filter(store=current)[:50])
    if mine:
        GovernanceNotice.objects.filter(store=current, read_at__isnull=True).update(
            read_at=_now()
        )
        store_health_seen.send(sender=Store, user=request.user, store=current)
    rule = health.rule if health else rule_in_force()
    context: dict[str, Any] = {
        "store": current,
        "stores": stores,
        "health": health,
        "figures": figure_rows(health) if health else [],
        "history": history,
        "moved": cases_that_moved(health) if health else [],
        "actions": actions,
        "notices": notices,
        "contests": list(
            CaseContest.objects.filter(store_id=current.pk)
            .select_related("dispute")
            .order_by("-filed_at")[:50]
        ),
        "rule": rule,
        "thresholds": _threshold_rows(rule),
        "consequence": CONSEQUENCES[Tier(current.tier)],
        "tier_label": Tier(current.tier).label,
        "sample_too_small": SAMPLE_TOO_SMALL,
        "may_appeal": mine,
    }
    return render(request, "reports/health.html", context)


def _threshold_rows(rule) -> list[dict[str, Any]]:
    rows = []
    for tier in Tier:
        rows.append(
            {
                "tier": tier.label,
                "below": rule.thresholds.get(tier.value),
                "consequence": CONSEQUENCES[tier],
            }
        )
    return rows


def _now():
    from django.utils import timezone

    return timezone.now()


def _int(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 10 else 0


@login_required
@require_POST
def appeal(request: AuthenticatedHttpRequest, action_id: int) -> HttpResponse:
    """The merchant's one appeal against an action in force."""
    action = (
        GovernanceAction.objects.filter(
            pk=action_id, store_id__in=store_ids_for(request.user)
        )
        .select_related("rule")
        .first()
    )
    if action is None:
        raise Http404
    try:
        appeal_file(
            action=action, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Your appeal is filed; another supervisor decides it.")
        )
    return redirect(f"/reports/store/health/?store={action.store_id}#actions")


@login_required
@require_POST
def contest(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The merchant contests a case's counting in the score (once)."""
    dispute = visible_disputes(request.user).filter(number=number).first()
    if dispute is None:
        raise Http404
    try:
        contest_file(
            dispute=dispute,
            actor=request.user,
            grounds=request.POST.get("grounds", ""),
            reason=request.POST.get("reason", ""),
            evidence=request.POST.get("evidence", ""),
            evidence_file=request.FILES.get("evidence_file"),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        for field_errors in exc.errors.values():
            for error in field_errors if isinstance(field_errors, list) else []:
                messages.error(request, error)
    else:
        messages.success(request, _("Your request is filed; a supervisor decides it."))
    return redirect(dispute.get_absolute_url())


@login_required
def stores_overview(request: HttpRequest) -> HttpResponse:
    """Managers' view of every store's health and governance actions."""
    if not is_staff_role(request.user):
        raise Http404
    last_day = (
        StoreHealth.objects.order_by("-day").values_list("day", flat=True).first()
    )
    rows = (
        list(
            StoreHealth.objects.filter(day=last_day).values(
                "store_id",
                "score",
                "store__name",
                "store__region",
                "store__tier",
                "store__category__name",
            )
        )
        if last_day
        else []
    )
    by_category: dict[str, list[float]] = defaultdict(list)
    by_region: dict[str, list[float]] = defaultdict(list)
    unscored: Counter[str] = Counter()
    for row in rows:
        if row["score"] is None:
            unscored[row["store__category__name"]] += 1
            continue
        by_category[row["store__category__name"]].append(float(row["score"]))
        by_region[row["store__region"]].append(float(row["score"]))
    tiers = dict(Store.objects.values_list("tier").annotate(n=Count("id")).order_by())
    actions = list(
        GovernanceAction.objects.exclude(state=ActionState.PROPOSED)
        .select_related("store", "rule", "decided_by", "appeal", "appeal__decided_by")
        .order_by("-decided_at", "-id")[:200]
    )
    applied = GovernanceAction.objects.filter(
        state__in=[ActionState.APPLIED, ActionState.OVERTURNED]
    ).aggregate(
        total=Count("id"),
        appealed=Count("appeal"),
        overturned=Count("id", filter=Q(state=ActionState.OVERTURNED)),
    )
    pending = GovernanceAppeal.objects.filter(state=AppealState.PENDING).count()
    troubled: list[dict[str, Any]] = [
        {**row, "tier_label": Tier(row["store__tier"]).label}
        for row in rows
        if row["store__tier"] != Tier.GOOD
    ]
    troubled.sort(key=lambda r: -Tier.values.index(r["store__tier"]))
    return render(
        request,
        "reports/stores.html",
        {
            "day": last_day,
            "categories": _distribution(by_category, unscored),
            "regions": _distribution(by_region, Counter()),
            "tiers": [{"label": t.label, "count": tiers.get(t.value, 0)} for t in Tier],
            "troubled": troubled[:200],
            "actions": actions,
            "applied": applied,
            "pending_appeals": pending,
            "overturn_share": (
                applied["overturned"] / applied["total"] if applied["total"] else None
            ),
        },
    )


BANDS = ((85, "85–100"), (70, "70–85"), (55, "55–70"), (40, "40–55"), (0, "0–40"))


def _distribution(
    groups: dict[str, list[float]], unscored: Counter
) -> list[dict[str, Any]]:
    out = []
    for name in sorted(set(groups) | set(unscored)):
        scores = groups.get(name, [])
        bands: Counter[str] = Counter()
        for score in scores:
            bands[next(label for low, label in BANDS if score >= low)] += 1
        out.append(
            {
                "name": name,
                "stores": len(scores),
                "unscored": unscored.get(name, 0),
                "median": statistics.median(scores) if scores else None,
                "low": min(scores) if scores else None,
                "high": max(scores) if scores else None,
                "bands": [bands.get(label, 0) for _low, label in BANDS],
            }
        )
    return out
