"""Deadlines and policy: the versioned policy resolved for a case or an order.

Values resolve most specific first (category + region, category, region,
platform); `docs/policy.md` tells the story.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from orders.models import Order
from stores.models import Category, SilentMerchantAction

from .choices import Reason
from .models.policy import (
    EVIDENCE_KINDS,
    VALUES,
    Level,
    PolicyVersion,
    cached_versions,
    parse_value,
    platform_defaults,
    version_by_pk,
    version_in_force,
)

# Reasons whose claim the merchant cannot judge without the buyer's account.
DESCRIPTION_REQUIRED = frozenset(
    {
        Reason.QUALITY,
        Reason.NOT_AS_DESCRIBED,
        Reason.DAMAGED,
        Reason.MISSING_PARTS,
        Reason.COUNTERFEIT,
        Reason.OTHER,
    }
)

OVERRIDABLE = (
    "after_sales_days",
    "merchant_response_hours",
    "evidence_hours",
    "appeal_days",
    "pickup_sla_hours",
    "ruling_sla_hours",
    "silent_merchant_action",
)


@dataclass(frozen=True)
class Source:
    """Where one resolved value came from: the level and the policy version."""

    level: str  # a `Level` value
    version: int | None  # None: no version published (settings only)

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label)


@dataclass(frozen=True)
class Policy:
    after_sales_days: int
    merchant_response_hours: int
    evidence_hours: int
    appeal_days: int
    pickup_sla_hours: int
    ruling_sla_hours: int
    silent_merchant_action: str
    # Goods (DESIGN.md "Goods as well as money"; docs/service-levels.md "Goods").
    no_reason_allowed: bool = True
    no_reason_hours: int = 168
    return_ship_days: int = 7
    return_confirm_days: int = 7
    return_confirm_after_delivery_hours: int = 48
    replacement_ship_hours: int = 48
    replacement_confirm_days: int = 10
    auto_refund_unshipped_below: Decimal | None = None
    counterfeit_multiple: Decimal | None = None
    counterfeit_minimum: Decimal | None = None
    # reason -> the evidence kinds a claim needs before it opens
    required_evidence: Mapping[str, tuple[str, ...]] = field(
        default_factory=dict, hash=False
    )
    # The version the values come from, and each value's source.
    version: int | None = field(default=None, compare=False)
    sources: Mapping[str, Source] = field(
        default_factory=dict, compare=False, hash=False
    )

    # The spans as timedeltas, computed once per policy (frozen, so they hold).
    @cached_property
    def after_sales(self) -> timedelta:
        return timedelta(days=self.after_sales_days)

    @cached_property
    def merchant_response(self) -> timedelta:
        return timedelta(hours=self.merchant_response_hours)

    @cached_property
    def evidence(self) -> timedelta:
        return timedelta(hours=self.evidence_hours)

    @cached_property
    def appeal_window(self) -> timedelta:
        return timedelta(days=self.appeal_days)

    @cached_property
    def pickup_sla(self) -> timedelta:
        return timedelta(hours=self.pickup_sla_hours)

    @cached_property
    def ruling_sla(self) -> timedelta:
        return timedelta(hours=self.ruling_sla_hours)

    @cached_property
    def no_reason_window(self) -> timedelta:
        return timedelta(hours=self.no_reason_hours)

    @cached_property
    def return_ship(self) -> timedelta:
        return timedelta(days=self.return_ship_days)

    @cached_property
    def return_confirm(self) -> timedelta:
        return timedelta(days=self.return_confirm_days)

    @cached_property
    def return_confirm_after_delivery(self) -> timedelta:
        return timedelta(hours=self.return_confirm_after_delivery_hours)

    @cached_property
    def replacement_ship(self) -> timedelta:
        return timedelta(hours=self.replacement_ship_hours)

    @cached_property
    def replacement_confirm(self) -> timedelta:
        return timedelta(days=self.replacement_confirm_days)

    def evidence_for(self, reason: str) -> tuple[str, ...]:
        """The evidence kinds a claim for `reason` needs before it opens."""
        return tuple(self.required_evidence.get(reason, ()))


def policy_for(category: Category | None = None) -> Policy:
    """Platform defaults with a category's own (pre-version) override fields.

    The reading before policies were versioned: migration 0017 and the data
    migration that copied these fields into policy version 1 use it. Services
    ask `order_policy` / `case_policy`.
    """
    values: dict[str, Any] = dict(settings.DISPUTE_POLICY)
    if category is not None:
        for name in OVERRIDABLE:
            override = getattr(category, name)
            if override not in (None, ""):
                values[name] = override
    return Policy(
        **{k: v for k, v in values.items() if k in Policy.__dataclass_fields__}
    )


_FIELDS = frozenset(VALUES)


def resolve(version: PolicyVersion | None, category: str, region: str) -> Policy:
    """The policy of `version` for a store of `category` (code) in `region`."""
    values = {k: v for k, v in platform_defaults().items() if k in _FIELDS}
    number = version.version if version is not None else None
    sources = {name: Source(str(Level.PLATFORM), number) for name in values}
    if version is not None:
        for name, (value, level) in version.resolve(category, region).items():
            values[name] = value
            sources[name] = Source(level, number)
    values["required_evidence"] = dict(values.get("required_evidence") or {})
    return Policy(**values, version=number, sources=sources)


def policy_in_force(category: str, region: str, at: datetime | None = None) -> Policy:
    """The policy for a category (code) and region in force at `at` (now)."""
    return resolve(version_in_force(at), category, region)


def order_policy(order: Order) -> Policy:
    """The policy a new case on `order` would open under (the version in force)."""
    store = order.store
    return policy_in_force(store.category.code, store.region)


def case_policy(dispute: Any) -> Policy:
    """The policy whose terms govern `dispute` (every service and page asks this).

    The version recorded when the case opened: a later version never changes
    an open case's terms. A case without one (none published) reads the
    version in force now.
    """
    store = dispute.store
    if dispute.policy_version_id is None:
        return policy_in_force(store.category.code, store.region)
    version = version_by_pk(dispute.policy_version_id)
    return resolve(version, store.category.code, store.region)


@dataclass(frozen=True)
class CompensationValue:
    """One 假一赔三 value a decision uses, and where it came from."""

    value: Decimal | None
    origin: str  # "policy", "rule", or "" (set by neither)
    source: str  # as people read it: "policy: business line · version 3"


@dataclass(frozen=True)
class CompensationTerms:
    """The multiple and minimum of the compensation beyond the refund."""

    multiple: CompensationValue
    minimum: CompensationValue

    @property
    def provided(self) -> bool:
        return bool(self.multiple.value)


# The policy's 假一赔三 values and the rule version's field each falls back to.
COUNTERFEIT_FALLBACK = {
    "counterfeit_multiple": "compensation_multiple",
    "counterfeit_minimum": "compensation_minimum",
}


def compensation_terms(dispute: Any | None, rule: Any | None) -> CompensationTerms:
    """The 假一赔三 values a decision on `dispute` citing `rule` computes with.

    On a counterfeit claim the case's policy (the version recorded when it
    opened) governs; where it leaves a value unset, the rule version's value
    applies; any other claim (or no case: the bulk seeder) uses the rule's.
    """
    policy = None
    if dispute is not None and dispute.reason == Reason.COUNTERFEIT:
        policy = case_policy(dispute)
    found: list[CompensationValue] = []
    for name, fallback in COUNTERFEIT_FALLBACK.items():
        own = getattr(policy, name) if policy is not None else None
        if own is not None:
            where = source_text(policy.sources[name])  # type: ignore[union-attr]
            found.append(
                CompensationValue(own, "policy", _("policy: %(s)s") % {"s": where})
            )
            continue
        value = getattr(rule, fallback) if rule is not None else None
        if rule is None:
            source = _("the rule the ruling cites")
        else:
            source = _("rule: %(rule)s") % {"rule": rule.title_and_version}
        found.append(CompensationValue(value, "rule" if value else "", source))
    return CompensationTerms(multiple=found[0], minimum=found[1])


def compensation_basis(terms: CompensationTerms) -> str:
    """How a ruling's compensation was computed, naming each value's source."""
    multiple, minimum = terms.multiple, terms.minimum
    shown = f"{multiple.value.normalize():f}" if multiple.value else "0"
    if minimum.value and minimum.source == multiple.source:
        return _(
            "%(m)s times the price, at least ¥%(min)s (%(source)s), on top of "
            "the refund"
        ) % {"m": shown, "min": minimum.value, "source": multiple.source}
    if minimum.value:
        return _(
            "%(m)s times the price (%(m_source)s), at least ¥%(min)s "
            "(%(min_source)s), on top of the refund"
        ) % {
            "m": shown,
            "m_source": multiple.source,
            "min": minimum.value,
            "min_source": minimum.source,
        }
    return _("%(m)s times the price (%(m_source)s), on top of the refund") % {
        "m": shown,
        "m_source": multiple.source,
    }


def evidence_refusal(policy: Policy, reason: str, kinds: Iterable[str]) -> str | None:
    """Why a claim for `reason` with evidence of `kinds` cannot open, or None.

    Asked by `case_create` (the portal form, the API, the agents' intake) before
    anything is stored.
    """
    missing = [k for k in policy.evidence_for(reason) if k not in set(kinds)]
    if not missing:
        return None
    return _("This claim needs %(kinds)s before it can be opened.") % {
        "kinds": evidence_kinds_text(missing)
    }


def order_open_refusal(
    order: Order, *, has_open_case: bool, now: datetime
) -> str | None:
    """Why a case cannot be opened on `order` now, or None when it can.

    The one rule behind the "open a dispute" button and `dispute_open`; the
    claimed amount is checked separately against `order.refundable`.
    """
    policy = order_policy(order)
    if not order.is_paid:
        return _("Only paid orders can be disputed.")
    if order.delivered_at and now > order.delivered_at + policy.after_sales:
        return _(
            "The after-sales window of %(days)s days after delivery has passed."
        ) % {"days": policy.after_sales_days}
    if has_open_case:
        return _("This order already has an open case.")
    if order.refundable <= 0:
        return _("Everything paid on this order has been refunded already.")
    return None


def no_reason_until(order: Order) -> datetime | None:
    """When a 七天无理由 return on `order` stops being possible: the policy's
    hours from 00:00 of the day after sign-for (None: not delivered yet)."""
    from .rules_pure import no_reason_until as until  # rules_pure reads Policy

    if order.delivered_at is None:
        return None
    return until(
        order.delivered_at, order_policy(order), tz=timezone.get_default_timezone()
    )


def no_reason_open(order: Order, now: datetime) -> bool:
    """Whether a 七天无理由 claim may be opened on `order` at `now` (the
    buyer's form asks this to offer the reason; `case_create` refuses it
    otherwise): delivered, allowed in the store's category, inside the window."""
    if not order_policy(order).no_reason_allowed:
        return False
    until = no_reason_until(order)
    return until is not None and now < until


def no_reason_refusal(order: Order, now: datetime) -> str | None:
    """Why a 七天无理由 claim cannot open on `order` now, or None when it can."""
    if not order_policy(order).no_reason_allowed:
        return _("7-day no-reason returns are not offered for this category.")
    until = no_reason_until(order)
    if until is None:
        return _("A 7-day no-reason return starts once the parcel is signed for.")
    if now >= until:
        return _("The 7-day no-reason window ended on %(until)s.") % {
            "until": timezone.localtime(until).strftime("%Y-%m-%d %H:%M")
        }
    return None


def description_refusal(reason: str, description: str) -> str | None:
    """Why a case for `reason` cannot open with `description`, or None when it can.

    Asked by `case_create` (every way a case opens) and by the buyer's form
    for its field error; a description of only spaces counts as none.
    """
    if reason in DESCRIPTION_REQUIRED and not description.strip():
        return _("Describe the problem so the store can check it.")
    return None


def get_language_prefix_is_zh() -> bool:
    return (get_language() or "").startswith("zh")


def evidence_kinds_text(kinds: Iterable[str]) -> str:
    """The kinds as a list people read ("an unboxing video, a photo of ...")."""
    sep = "、" if get_language_prefix_is_zh() else ", "
    return sep.join(str(EVIDENCE_KINDS[k]) for k in kinds if k in EVIDENCE_KINDS)


# The values a case page shows under "Terms of this case", by what they govern.
CASE_TERMS = (
    "after_sales_days",
    "merchant_response_hours",
    "silent_merchant_action",
    "evidence_hours",
    "appeal_days",
    "no_reason_allowed",
    "return_ship_days",
    "replacement_ship_hours",
    "auto_refund_unshipped_below",
)


def value_text(name: str, value: Any) -> str:
    """A policy value as people read it (no codes)."""
    kind = VALUES[name][0]
    if kind == "int":
        if name.endswith("_days"):
            return _("%(n)s days") % {"n": value}
        return _("%(n)s hours") % {"n": value}
    if kind == "bool":
        return _("Yes") if value else _("No")
    if kind == "money":
        if value is None:
            return _("Not set")
        return f"×{value}" if name == "counterfeit_multiple" else f"¥{value}"
    if kind == "choice":
        return str(SilentMerchantAction(value).label)
    rows = [
        f"{Reason(r).label if r in Reason.values else r}: {evidence_kinds_text(k)}"
        for r, k in value.items()
    ]
    return "; ".join(rows) or _("None")


def source_text(source: Source) -> str:
    """Where a value came from: "business line · version 2"."""
    if source.version is None:
        return source.level_label
    return _("%(level)s · version %(version)s") % {
        "level": source.level_label,
        "version": source.version,
    }


def terms_rows(policy: Policy, names: Iterable[str]) -> list[dict[str, str]]:
    """Label, value and source of each named value, for a page."""
    return [
        {
            "name": name,
            "label": str(VALUES[name][1]),
            "value": value_text(name, getattr(policy, name)),
            "source": source_text(policy.sources[name])
            if name in policy.sources
            else "",
        }
        for name in names
    ]


def case_terms(dispute: Any) -> list[dict[str, str]]:
    """ "本单适用规则": the values that matter for this case, with their source."""
    policy = case_policy(dispute)
    rows = terms_rows(policy, CASE_TERMS)
    if dispute.reason == Reason.COUNTERFEIT:
        rows += counterfeit_rows(dispute)
    kinds = policy.evidence_for(dispute.reason)
    if kinds:
        rows.append(
            {
                "name": "required_evidence",
                "label": str(VALUES["required_evidence"][1]),
                "value": evidence_kinds_text(kinds),
                "source": source_text(policy.sources["required_evidence"]),
            }
        )
    return rows


def ruling_compensation_text(dispute: Any, ruling: Any | None) -> str:
    """How the ruling's compensation was computed ("" when it awarded none)."""
    if ruling is None or not ruling.compensation_amount:
        return ""
    return compensation_basis(compensation_terms(dispute, ruling.rule))


def counterfeit_rows(dispute: Any) -> list[dict[str, str]]:
    """The 假一赔三 values of a counterfeit claim: the policy's, else the rule's
    (the ruling's cited rule once there is one), each with where it came from."""
    ruling = getattr(dispute, "ruling", None) if dispute.pk else None
    terms = compensation_terms(dispute, ruling.rule if ruling else None)
    return [
        {
            "name": name,
            "label": str(VALUES[name][1]),
            "value": value_text(name, found.value),
            "source": found.source,
        }
        for name, found in zip(
            COUNTERFEIT_FALLBACK, (terms.multiple, terms.minimum), strict=True
        )
    ]


def evidence_requirements(policy: Policy) -> list[dict[str, str]]:
    """Per reason, the evidence a claim needs before it opens (for the open form)."""
    return [
        {
            "reason": reason,
            "label": str(Reason(reason).label) if reason in Reason.values else reason,
            "kinds": evidence_kinds_text(kinds),
        }
        for reason, kinds in policy.required_evidence.items()
        if kinds
    ]


def _raw_text(name: str, raw: Any) -> str:
    if raw is None and VALUES[name][0] != "money":
        return "—"
    try:
        return value_text(name, parse_value(name, raw))
    except ValueError:
        return str(raw)


def scope_label(category: str, region: str, names: Mapping[str, str]) -> str:
    """A scope as people read it: "生鲜 · 新疆", "新疆", "生鲜", "platform"."""
    parts = [names.get(category, category) if category else "", region]
    return " · ".join(p for p in parts if p) or _("Platform defaults")


def version_changes(
    version: PolicyVersion,
    previous: PolicyVersion | None,
    names: Mapping[str, str],
) -> list[dict[str, str]]:
    """The diff of a version from the previous one, in words."""
    return [
        {
            "scope": scope_label(row["category"], row["region"], names),
            "label": str(VALUES[row["name"]][1]),
            "before": _raw_text(row["name"], row["before"]),
            "after": _raw_text(row["name"], row["after"]),
        }
        for row in version.diff(previous)
    ]


def policy_overview(at: datetime | None = None) -> dict[str, Any]:
    """The rules page's policies: the version in force by scope (business line
    and region), the upcoming versions and every version with what it changed."""
    names = dict(Category.objects.values_list("code", "name"))
    versions = sorted(cached_versions(), key=lambda v: v.version)
    current = version_in_force(at)
    now = at or timezone.now()
    defaults = resolve(current, "", "")
    scopes = []
    if current is not None:
        ordered = sorted(
            current.entries,
            key=lambda e: (
                bool(e.get("category")),
                e.get("category") or "",
                e.get("region") or "",
            ),
        )
        for entry in ordered:
            cat, reg = entry.get("category") or "", entry.get("region") or ""
            scopes.append(
                {
                    "label": scope_label(cat, reg, names),
                    "level": str(
                        Level.CATEGORY_REGION
                        if cat and reg
                        else Level.CATEGORY
                        if cat
                        else Level.REGION
                        if reg
                        else Level.PLATFORM
                    ),
                    "values": [
                        {"label": str(VALUES[n][1]), "value": _raw_text(n, raw)}
                        for n, raw in entry["values"].items()
                        if n in VALUES
                    ],
                }
            )
    history = []
    for i, version in enumerate(versions):
        previous = versions[i - 1] if i else None
        history.append(
            {
                "version": version,
                "upcoming": version.effective_from > now,
                "in_force": current is not None and version.pk == current.pk,
                "changes": version_changes(version, previous, names),
            }
        )
    return {
        "current": current,
        "defaults": terms_rows(
            defaults, [n for n in VALUES if n != "required_evidence"]
        ),
        "scopes": scopes,
        "upcoming": [h for h in history if h["upcoming"]],
        "history": list(reversed(history)),
    }
