"""Store governance: the published rule, tier proposals, decisions, appeals
and the notices that tell the merchant (docs/governance.md).

Every write goes through a function here. The score itself is computed by
`reports.health` (it reads the report rollups); this module only knows the
figures' names and what a tier means, so that the notices can explain them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.errors import (
    ActionNotPermitted,
    InvalidTransition,
    NotVisible,
    ValidationFailed,
)
from core.roles import Role, is_platform_staff, is_supervisor, role_of
from core.tasks import enqueue_on_commit
from core.workcalendar import add_working_hours, working_hours

from .models import (
    ActionState,
    AppealState,
    GovernanceAction,
    GovernanceAppeal,
    GovernanceNotice,
    GovernanceRule,
    Store,
    StoreReviewLog,
    StoreStatus,
    Tier,
    tier_rank,
)
from .signals import governance_changed


@dataclass(frozen=True)
class FigureDef:
    name: str
    label: Any
    numerator: Any
    denominator: Any


# The figures a score is made of, in the order pages show them. The rule
# version gives each a weight; reports.health computes them from rollups.
FIGURES = (
    FigureDef(
        "dispute_rate",
        gettext_lazy("Dispute rate"),
        gettext_lazy("cases opened"),
        gettext_lazy("orders placed"),
    ),
    FigureDef(
        "merchant_liability_rate",
        gettext_lazy("Merchant-liability rate"),
        gettext_lazy("rulings with the merchant liable"),
        gettext_lazy("orders placed"),
    ),
    FigureDef(
        "intervention_rate",
        gettext_lazy("Intervention rate"),
        gettext_lazy("cases the platform stepped into"),
        gettext_lazy("cases opened"),
    ),
    FigureDef(
        "response_in_time_rate",
        gettext_lazy("First answers in time"),
        gettext_lazy("cases answered by the deadline"),
        gettext_lazy("cases opened"),
    ),
    FigureDef(
        "refuse_return_overturned_rate",
        gettext_lazy("Refused returns overturned"),
        gettext_lazy("refused returns the platform overturned"),
        gettext_lazy("cases opened"),
    ),
)
FIGURE_BY_NAME = {f.name: f for f in FIGURES}

# The first published rule (a data migration creates version 1 from it).
DEFAULT_RULE: dict[str, Any] = {
    "figures": [
        {"name": "dispute_rate", "weight": 25, "better": "lower", "acceptable": 0.02},
        {
            "name": "merchant_liability_rate",
            "weight": 30,
            "better": "lower",
            "acceptable": 0.005,
        },
        {
            "name": "intervention_rate",
            "weight": 20,
            "better": "lower",
            "acceptable": 0.1,
        },
        {
            "name": "response_in_time_rate",
            "weight": 15,
            "better": "higher",
            "acceptable": 0.95,
        },
        {
            "name": "refuse_return_overturned_rate",
            "weight": 10,
            "better": "lower",
            "acceptable": 0.0,
        },
    ],
    # A score below the number puts the store in that tier (or worse).
    "thresholds": {
        "watch": 85,
        "warning": 70,
        "restricted": 55,
        "suspended": 40,
        "delisted": 25,
    },
    "min_orders": 30,
    "window_days": 30,
    "wide_window_days": 90,
    "appeal_working_days": 3,
}

# What each tier means for the store (shown on the rules page and in notices).
CONSEQUENCES = {
    Tier.GOOD: gettext_lazy("No restriction."),
    Tier.WATCH: gettext_lazy(
        "A reminder: the store trades as usual; its figures are below its "
        "category's and are watched."
    ),
    Tier.WARNING: gettext_lazy(
        "A formal warning: the store trades as usual; a further fall leads "
        "to restrictions."
    ),
    Tier.RESTRICTED: gettext_lazy(
        "Restricted: the store's new cases go straight to the platform's "
        "priority queue (marked priority and handed to the agents first)."
    ),
    Tier.SUSPENDED: gettext_lazy(
        "Suspended: the store receives no new orders. Buyers may still open "
        "and pursue disputes on its past orders, its open cases go on, and "
        "its new cases go straight to the platform's priority queue."
    ),
    Tier.DELISTED: gettext_lazy(
        "Delisted: the store is removed from the marketplace and receives no "
        "new orders. Buyers may still open and pursue disputes on its past "
        "orders, its open cases go on, and its new cases go straight to the "
        "platform's priority queue."
    ),
}


# The rule and its versions.


def rule_in_force(at: datetime | None = None) -> GovernanceRule:
    """The rule version in force at `at` (now by default)."""
    at = at or timezone.now()
    rule = (
        GovernanceRule.objects.filter(effective_from__lte=at)
        .order_by("-version")
        .first()
    )
    if rule is None:  # a fresh database before the data migration's row
        rule = GovernanceRule.objects.create(
            version=1, effective_from=at - timedelta(days=3650), **DEFAULT_RULE
        )
    return rule


# A new version is published at least this long before it takes effect.
RULE_NOTICE_DAYS = 7
TIER_THRESHOLD_ORDER = ("watch", "warning", "restricted", "suspended", "delisted")


def rule_effective_earliest(now: datetime | None = None) -> datetime:
    """The earliest moment a version published now may take effect: the
    start of the day RULE_NOTICE_DAYS days ahead (platform time)."""
    today = timezone.localdate(now or timezone.now())
    first = today + timedelta(days=RULE_NOTICE_DAYS)
    return timezone.make_aware(datetime.combine(first, datetime.min.time()))


def rule_errors(fields: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with a version's fields (figures, thresholds, floors)."""
    errors: dict[str, list[str]] = {}
    figures = fields["figures"]
    names = [f.get("name") for f in figures]
    if sorted(names) != sorted(FIGURE_BY_NAME):
        errors["figures"] = [_("Give every figure once.")]
    elif any(
        not isinstance(f.get("weight"), int) or f["weight"] < 0 for f in figures
    ) or not sum(f["weight"] for f in figures):
        errors["figures"] = [
            _("Each weight is a whole number of 0 or more, and not all are 0.")
        ]
    elif any(
        f.get("better") not in ("lower", "higher")
        or not 0 <= float(f.get("acceptable", -1)) <= 1
        for f in figures
    ):
        errors["figures"] = [_("Each acceptable level is a share between 0 and 1.")]
    thresholds = fields["thresholds"]
    try:
        values = [float(thresholds[t]) for t in TIER_THRESHOLD_ORDER]
    except (KeyError, TypeError, ValueError):
        values = []
    if len(values) != len(TIER_THRESHOLD_ORDER):
        errors["thresholds"] = [_("Give a threshold for every tier.")]
    elif not all(0 <= v <= 100 for v in values) or any(
        a <= b for a, b in pairwise(values)
    ):
        errors["thresholds"] = [
            _(
                "Thresholds lie between 0 and 100, each tier's below the one "
                "before (watch > warning > restricted > suspended > delisted)."
            )
        ]
    for key in ("min_orders", "window_days", "wide_window_days", "appeal_working_days"):
        if not isinstance(fields[key], int) or fields[key] < 1:
            errors[key] = [_("A whole number of 1 or more.")]
    if (
        "window_days" not in errors
        and "wide_window_days" not in errors
        and fields["wide_window_days"] < fields["window_days"]
    ):
        errors["wide_window_days"] = [_("At least the window.")]
    return errors


@transaction.atomic
def rule_new(
    *, actor: User, effective_from: datetime, note: str, **fields: Any
) -> GovernanceRule:
    """Publish a new version (supervisors and managers), in force from at
    least RULE_NOTICE_DAYS days ahead; fields not given are copied from the
    latest version. Bad fields are refused, and nothing is written."""
    if not is_supervisor(actor) and role_of(actor) != Role.MANAGER:
        raise ActionNotPermitted(_("Only supervisors change the governance rule."))
    unknown = set(fields) - set(DEFAULT_RULE)
    if unknown:
        raise ValidationFailed(
            _("Unknown rule fields."), errors={"fields": sorted(unknown)}
        )
    earliest = rule_effective_earliest()
    if effective_from < earliest:
        message = _(
            "A new version is published at least %(days)s days ahead: choose "
            "%(earliest)s or later."
        ) % {
            "days": RULE_NOTICE_DAYS,
            "earliest": timezone.localtime(earliest).strftime("%Y-%m-%d"),
        }
        raise ValidationFailed(message, errors={"effective_from": [message]})
    if not (note or "").strip():
        raise ValidationFailed(
            _("Say what changed."), errors={"note": [_("Required.")]}
        )
    latest = GovernanceRule.objects.select_for_update().order_by("-version").first()
    base = {key: getattr(latest, key) for key in DEFAULT_RULE} if latest else {}
    base = {**DEFAULT_RULE, **base, **fields}
    errors = rule_errors(base)
    if errors:
        raise ValidationFailed(_("Check the rule."), errors=errors)
    version = (GovernanceRule.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    return GovernanceRule.objects.create(
        version=version,
        effective_from=effective_from,
        note=note.strip(),
        created_by=actor,
        **base,
    )


def _share(value: Any) -> str:
    return f"{float(value) * 100:.2f}%"


def rule_text(rule: GovernanceRule) -> str:
    """The version in words (the rules pages), in the reader's language."""
    lines = [str(_("Figures, their weights and the level that scores full marks:"))]
    for spec in rule.figures:
        definition = FIGURE_BY_NAME.get(spec["name"])
        if definition is None:
            continue
        bound = "≤" if spec["better"] == "lower" else "≥"
        lines.append(
            _("- %(figure)s: weight %(weight)s; full marks at %(bound)s %(level)s")
            % {
                "figure": definition.label,
                "weight": spec["weight"],
                "bound": bound,
                "level": _share(spec["acceptable"]),
            }
        )
    lines.append(str(_("A score below the threshold puts the store in the tier:")))
    for tier in TIER_THRESHOLD_ORDER:
        lines.append(
            _("- %(tier)s below %(score)s")
            % {"tier": Tier(tier).label, "score": rule.thresholds.get(tier)}
        )
    lines.append(
        _(
            "A score needs %(floor)s orders in the last %(days)s days (else "
            "the window widens to %(wide)s days). An appeal is decided within "
            "%(appeal)s working days."
        )
        % {
            "floor": rule.min_orders,
            "days": rule.window_days,
            "wide": rule.wide_window_days,
            "appeal": rule.appeal_working_days,
        }
    )
    return "\n".join(str(line) for line in lines)


def rule_changes(
    rule: GovernanceRule, previous: GovernanceRule | None
) -> list[dict[str, str]]:
    """What a version changed from the previous one, in words: one row a
    changed value ({"kind": "changed", "text"})."""
    if previous is None:
        return []
    rows: list[str] = []
    before = {f["name"]: f for f in previous.figures}
    for spec in rule.figures:
        old = before.get(spec["name"], {})
        definition = FIGURE_BY_NAME.get(spec["name"])
        label = definition.label if definition else spec["name"]
        if old.get("weight") != spec["weight"]:
            rows.append(
                _("%(figure)s: weight %(old)s → %(new)s")
                % {"figure": label, "old": old.get("weight"), "new": spec["weight"]}
            )
        if old and float(old.get("acceptable", 0)) != float(spec["acceptable"]):
            rows.append(
                _("%(figure)s: full marks at %(old)s → %(new)s")
                % {
                    "figure": label,
                    "old": _share(old["acceptable"]),
                    "new": _share(spec["acceptable"]),
                }
            )
    for tier in TIER_THRESHOLD_ORDER:
        old, new = previous.thresholds.get(tier), rule.thresholds.get(tier)
        if old != new:
            rows.append(
                _("%(tier)s: below %(old)s → below %(new)s")
                % {"tier": Tier(tier).label, "old": old, "new": new}
            )
    labels = {
        "min_orders": _("Orders needed for a score"),
        "window_days": _("Window (days)"),
        "wide_window_days": _("Widened window (days)"),
        "appeal_working_days": _("Appeal decided within (working days)"),
    }
    for key, label in labels.items():
        old, new = getattr(previous, key), getattr(rule, key)
        if old != new:
            rows.append(
                _("%(what)s: %(old)s → %(new)s")
                % {"what": label, "old": old, "new": new}
            )
    return [{"kind": "changed", "text": str(row)} for row in rows]


# Pure: which tier a score points to and what the system proposes.


def tier_for(score: float, thresholds: dict[str, float]) -> str:
    """The tier a score falls in: the worst tier whose threshold it is below
    (good when it is below none)."""
    tier = Tier.GOOD.value
    for name in ("watch", "warning", "restricted", "suspended", "delisted"):
        if score < thresholds[name]:
            tier = name
    return tier


def tier_proposal(current: str, score: float | None, thresholds: dict) -> str | None:
    """The tier the system proposes for a store in `current` with `score`,
    or None. No score (too few orders): nothing. A delisted store: nothing
    (only an appeal changes it). Delisting is proposed only for a store
    already suspended (a store is suspended first). A suspended store is
    not proposed back up: it receives no orders, so reinstatement is a
    supervisor's decision (or an appeal's)."""
    if score is None or current == Tier.DELISTED:
        return None
    target = tier_for(score, thresholds)
    if target == Tier.DELISTED and current != Tier.SUSPENDED:
        target = Tier.SUSPENDED.value
    if current == Tier.SUSPENDED and tier_rank(target) < tier_rank(Tier.SUSPENDED):
        return None
    return None if target == current else target


# Proposals and decisions.


@transaction.atomic
def action_propose(
    *,
    store: Store,
    to_tier: str,
    rule: GovernanceRule | None = None,
    score: Any = None,
    facts: dict | None = None,
    proposed_by: User | None = None,
    note: str = "",
) -> GovernanceAction:
    """Propose moving a store to `to_tier` (the system when `proposed_by` is
    None, else a member of the platform's staff). A store has at most one
    open proposal: a newer one replaces what it proposes."""
    if to_tier not in Tier.values:
        raise ValidationFailed(_("Unknown tier."), errors={"to_tier": to_tier})
    if proposed_by is not None and not is_platform_staff(proposed_by):
        raise ActionNotPermitted(_("Only agents and supervisors propose a tier."))
    locked = Store.objects.select_for_update().get(pk=store.pk)
    if to_tier == locked.tier:
        raise InvalidTransition(_("The store is already in that tier."))
    rule = rule or rule_in_force()
    fields = {
        "from_tier": locked.tier,
        "to_tier": to_tier,
        "rule": rule,
        "score": score,
        "facts": facts or {},
        "proposed_by": proposed_by,
        "proposal_note": (note or "").strip(),
    }
    open_ = GovernanceAction.objects.filter(
        store=locked, state=ActionState.PROPOSED
    ).first()
    if open_ is not None:
        for key, value in fields.items():
            setattr(open_, key, value)
        open_.save()
        return open_
    return GovernanceAction.objects.create(store=locked, **fields)


def _required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("A written reason is required."), errors={"reason": [_("Required.")]}
        )
    return reason


# The store status that goes with each tier (the review lifecycle's statuses).
def _status_for(tier: str, current_status: str) -> str:
    if tier == Tier.SUSPENDED:
        return StoreStatus.SUSPENDED
    if tier == Tier.DELISTED:
        return StoreStatus.DELISTED
    if current_status in (StoreStatus.SUSPENDED, StoreStatus.DELISTED):
        return StoreStatus.ACTIVE
    return current_status


def _move(store: Store, tier: str, actor: User, reason: str) -> None:
    """Set the tier and the status that goes with it, and log the review."""
    status = _status_for(tier, store.status)
    now = timezone.now()
    update: dict[str, Any] = {"tier": tier}
    if status != store.status:
        update |= {"status": status, "status_reason": reason, "status_changed_at": now}
        StoreReviewLog.objects.create(
            store=store,
            actor=actor,
            action="governance",
            from_status=store.status,
            to_status=status,
            reason=reason,
        )
    Store.objects.filter(pk=store.pk).update(**update)
    store.refresh_from_db()


@transaction.atomic
def action_decide(
    *, action: GovernanceAction, actor: User, approve: bool, reason: str
) -> GovernanceAction:
    """A supervisor applies or declines a proposal, with a written reason.
    An applied action moves the store and sends the merchant its notice."""
    if not is_supervisor(actor):
        raise ActionNotPermitted(_("Only supervisors decide governance actions."))
    reason = _required(reason)
    locked = GovernanceAction.objects.select_for_update().get(pk=action.pk)
    if locked.state != ActionState.PROPOSED:
        raise InvalidTransition(_("This proposal has been decided already."))
    store = Store.objects.select_for_update().get(pk=locked.store_id)
    if store.tier != locked.from_tier:
        raise InvalidTransition(
            _("The store's tier changed since this was proposed; propose again.")
        )
    locked.record_decision(actor, reason)
    if not approve:
        locked.state = ActionState.DECLINED
        locked.save()
        return locked
    locked.state = ActionState.APPLIED
    locked.save()
    _move(store, locked.to_tier, actor, reason)
    notice_send(
        action=locked, kind="reinstated" if locked.is_reinstatement else "applied"
    )
    return locked


def appeal_due(filed_at: datetime, working_days: int) -> datetime:
    """When an appeal filed at `filed_at` must be decided: `working_days`
    working days of the platform's calendar later."""
    hours = working_hours()
    today = timezone.localtime(filed_at, hours.tz).date()
    opens, closes = hours.window(today)
    return add_working_hours(filed_at, (closes - opens) * working_days)


@transaction.atomic
def appeal_file(
    *, action: GovernanceAction, actor: User, reason: str
) -> GovernanceAppeal:
    """The merchant appeals an action in force, once."""
    from .scoping import store_ids_for

    if action.store_id not in store_ids_for(actor):
        raise NotVisible(_("No such action."))
    reason = _required(reason)
    locked = GovernanceAction.objects.select_for_update().get(pk=action.pk)
    if locked.state != ActionState.APPLIED:
        raise InvalidTransition(_("Only an action in force can be appealed."))
    if GovernanceAppeal.objects.filter(action=locked).exists():
        raise InvalidTransition(_("This action has been appealed already."))
    now = timezone.now()
    return GovernanceAppeal.objects.create(
        action=locked,
        appellant=actor,
        reason=reason,
        due_at=appeal_due(now, locked.rule.appeal_working_days),
    )


@transaction.atomic
def appeal_decide(
    *, appeal: GovernanceAppeal, actor: User, overturn: bool, reason: str
) -> GovernanceAppeal:
    """Another supervisor (not the one who decided the action) upholds or
    overturns it; overturning puts the store back where it was."""
    if not is_supervisor(actor):
        raise ActionNotPermitted(_("Only supervisors decide appeals."))
    locked = GovernanceAppeal.objects.select_for_update().get(pk=appeal.pk)
    action = GovernanceAction.objects.select_for_update().get(pk=locked.action_id)
    if action.decided_by_id == actor.pk:
        raise ActionNotPermitted(
            _("Another supervisor decides the appeal against your own decision.")
        )
    reason = _required(reason)
    if locked.state != AppealState.PENDING:
        raise InvalidTransition(_("This appeal has been decided already."))
    locked.record_decision(actor, reason)
    locked.state = AppealState.OVERTURNED if overturn else AppealState.UPHELD
    locked.save()
    if overturn:
        action.state = ActionState.OVERTURNED
        action.save(update_fields=["state"])
        store = Store.objects.select_for_update().get(pk=action.store_id)
        _move(store, action.from_tier, actor, reason)
    notice_send(
        action=action, kind="appeal_overturned" if overturn else "appeal_upheld"
    )
    return locked


def pending_appeals_overdue(now: datetime | None = None):
    """Appeals past their due time and still undecided (the SLA's breaches)."""
    return GovernanceAppeal.objects.filter(
        state=AppealState.PENDING, due_at__lt=now or timezone.now()
    )


# Notices.

NOTICE_SUBJECTS = {
    "applied": gettext_lazy("%(store)s: your store is now in the tier “%(tier)s”"),
    "reinstated": gettext_lazy("%(store)s: your store is reinstated (“%(tier)s”)"),
    "appeal_upheld": gettext_lazy("%(store)s: your appeal was not granted"),
    "appeal_overturned": gettext_lazy(
        "%(store)s: your appeal was granted; the store is back in “%(tier)s”"
    ),
}


def _percent(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.2f}%"


def notice_body(action: GovernanceAction, kind: str) -> str:
    """The notice's text: facts, figures and their computation, the rule
    version, the consequence, and how to appeal."""
    facts = action.facts or {}
    tier = action.store.tier if kind.startswith("appeal") else action.to_tier
    lines = [
        _("What happened: the store %(store)s moved from “%(from)s” to “%(to)s”.")
        % {
            "store": action.store.name,
            "from": Tier(action.from_tier).label,
            "to": Tier(action.to_tier).label,
        },
    ]
    if kind == "appeal_upheld":
        lines.insert(0, _("Your appeal was examined and the action stands."))
    elif kind == "appeal_overturned":
        lines.insert(
            0,
            _(
                "Your appeal was granted: the action is withdrawn and the store is "
                "back in “%(tier)s”."
            )
            % {"tier": Tier(tier).label},
        )
    if action.decision_reason:
        lines.append(
            _("Supervisor's reason: %(reason)s") % {"reason": action.decision_reason}
        )
    appeal = getattr(action, "appeal", None) if kind.startswith("appeal") else None
    if appeal is not None and appeal.decision_reason:
        lines.append(
            _("Appeal decision: %(reason)s") % {"reason": appeal.decision_reason}
        )
    if facts.get("score") is not None:
        lines.append(
            _(
                "Score: %(score)s of 100 over the last %(days)s days "
                "(%(orders)s orders)."
            )
            % {
                "score": facts["score"],
                "days": facts.get("window_days"),
                "orders": facts.get("orders"),
            }
        )
    elif facts:
        lines.append(_("Score: not enough orders for a score (样本不足)."))
    for figure in facts.get("figures", []):
        definition = FIGURE_BY_NAME.get(figure["name"])
        if definition is None:
            continue
        lines.append(
            _(
                "- %(label)s: %(value)s = %(num)s %(num_label)s / %(den)s "
                "%(den_label)s; weight %(weight)s; category median %(median)s; "
                "better than %(pct)s of the category"
            )
            % {
                "label": definition.label,
                "value": _percent(figure.get("value")),
                "num": figure.get("numerator"),
                "num_label": definition.numerator,
                "den": figure.get("denominator"),
                "den_label": definition.denominator,
                "weight": figure.get("weight"),
                "median": _percent(figure.get("category_median")),
                "pct": _percent(figure.get("percentile")),
            }
        )
    lines.append(
        _("Rule: store governance rule version %(version)s (%(url)s).")
        % {
            "version": action.rule.version,
            "url": f"{settings.SITE_URL}{action.rule.get_absolute_url()}",
        }
    )
    lines.append(
        _("Consequence: %(consequence)s") % {"consequence": CONSEQUENCES[Tier(tier)]}
    )
    if kind in ("applied", "reinstated"):
        lines.append(
            _(
                "How to appeal: once, with your grounds, from %(url)s; another "
                "supervisor decides within %(days)s working days."
            )
            % {
                "url": f"{settings.SITE_URL}/reports/store/health/",
                "days": action.rule.appeal_working_days,
            }
        )
    return "\n".join(str(line) for line in lines)


def notice_send(*, action: GovernanceAction, kind: str) -> GovernanceNotice:
    """Record the notice (in-page), queue its mail and announce it
    (`governance_changed`: the webhooks app sends `store.governance_changed`)."""
    from . import tasks

    store = action.store
    tier = store.tier
    # Written in the owner's language (the platform's when they chose none).
    language = getattr(store.owner, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = str(
            NOTICE_SUBJECTS[kind] % {"store": store.name, "tier": Tier(tier).label}
        )
        body = notice_body(action, kind)
    notice = GovernanceNotice.objects.create(
        store=store, action=action, kind=kind, subject=subject, body=body
    )
    enqueue_on_commit(tasks.mail_governance_notice, notice.pk)
    governance_changed.send(sender=GovernanceNotice, notice=notice, action=action)
    return notice


def notices_unread(user: User) -> int:
    from .scoping import store_ids_for

    return GovernanceNotice.objects.filter(
        store_id__in=store_ids_for(user), read_at__isnull=True
    ).count()


def actions_for_queue():
    """What supervisors decide: open proposals and pending appeals."""
    return (
        GovernanceAction.objects.filter(state=ActionState.PROPOSED).select_related(
            "store", "rule"
        ),
        GovernanceAppeal.objects.filter(state=AppealState.PENDING).select_related(
            "action__store", "action__decided_by", "appellant"
        ),
    )


# One definition of a store in trouble (屡次违规): the workbench's flag reads it.
TROUBLE_FROM = Tier.WARNING


def in_trouble(tier: str) -> bool:
    """Whether a store's tier flags it to the agents (warning or worse)."""
    return tier_rank(tier) >= tier_rank(TROUBLE_FROM)


# One definition of a restricted store: restricted or worse. Its new cases
# go straight to the platform's priority queue (disputes' case_create asks).
RESTRICTED_FROM = Tier.RESTRICTED


def is_restricted(tier: str) -> bool:
    """Whether a store in `tier` is restricted (restricted, suspended, delisted)."""
    return tier_rank(tier) >= tier_rank(RESTRICTED_FROM)


def priority_reason(tier: str) -> str:
    """Why a case on a store in `tier` is in the priority queue (reader's language)."""
    return _(
        "The store's governance tier was “%(tier)s” when the case opened: a "
        "restricted store's new cases go straight to the priority queue."
    ) % {"tier": Tier(tier).label}


def trouble_rule(tier: str) -> str:
    """The flag's explanation in the reader's language."""
    return _(
        "The store's governance tier is “%(tier)s”; “%(from)s” or worse flags it."
    ) % {"tier": Tier(tier).label, "from": Tier(TROUBLE_FROM).label}
