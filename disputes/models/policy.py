"""Policy versions: every value that shapes a case, by business line and region.

A version holds, for each scope it sets (the platform, a region, a category,
or a category in a region), the values that scope sets. A value resolves most
specific first: category + region, category, region, platform; a value no
scope of the version sets is the platform default from settings. Versions are
never rewritten: a change is a new version that takes effect at a future date,
and a case keeps the version in force when it opened (`Dispute.policy_version`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from time import monotonic
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How long before it takes effect a new version is published, at least.
NOTICE = timedelta(days=7)

EVIDENCE_KINDS = {
    "photo": _("a photo"),
    "video": _("an unboxing video"),
    "express_slip": _("a photo of the express slip"),
}

# name -> (kind, label); the kinds: int, bool, money (Decimal or None),
# choice (silent-merchant action), evidence (reason -> kinds).
VALUES: dict[str, tuple[str, Any]] = {
    "after_sales_days": ("int", _("after-sales window (days)")),
    "no_reason_allowed": ("bool", _("7-day no-reason return allowed")),
    "no_reason_hours": ("int", _("no-reason return window (hours)")),
    "return_ship_days": ("int", _("return shipping window (days)")),
    "return_confirm_days": ("int", _("merchant confirms a return (days)")),
    "return_confirm_after_delivery_hours": (
        "int",
        _("merchant confirms after the return's delivery (hours)"),
    ),
    "replacement_ship_hours": ("int", _("replacement shipping window (hours)")),
    "replacement_confirm_days": ("int", _("buyer confirms a replacement (days)")),
    "merchant_response_hours": ("int", _("merchant response (hours)")),
    "evidence_hours": ("int", _("evidence deadline (hours)")),
    "appeal_days": ("int", _("appeal window (days)")),
    "pickup_sla_hours": ("int", _("pick-up target (hours)")),
    "ruling_sla_hours": ("int", _("ruling target (hours)")),
    "silent_merchant_action": ("choice", _("when the merchant stays silent")),
    "auto_refund_unshipped_below": (
        "money",
        _("automatic refund on unshipped orders below (¥)"),
    ),
    "counterfeit_multiple": ("money", _("counterfeit compensation multiple")),
    "counterfeit_minimum": ("money", _("counterfeit compensation minimum (¥)")),
    "required_evidence": ("evidence", _("evidence required to open")),
}

# Defaults of the values settings.DISPUTE_POLICY may not name (settings win).
BUILTIN_DEFAULTS: dict[str, Any] = {
    "no_reason_allowed": True,
    "no_reason_hours": 168,
    "return_ship_days": 7,
    "return_confirm_days": 7,
    "return_confirm_after_delivery_hours": 48,
    "replacement_ship_hours": 48,
    "replacement_confirm_days": 10,
    "auto_refund_unshipped_below": None,
    "counterfeit_multiple": None,
    "counterfeit_minimum": None,
    "required_evidence": {},
}


class Level(models.TextChoices):
    """Where a resolved value came from, most specific first."""

    CATEGORY_REGION = "category_region", _("business line in this region")
    CATEGORY = "category", _("business line")
    REGION = "region", _("region")
    PLATFORM = "platform", _("platform")


def platform_defaults() -> dict[str, Any]:
    """Every value's platform default (settings, then the built-in defaults)."""
    return {**BUILTIN_DEFAULTS, **settings.DISPUTE_POLICY}


def parse_value(name: str, raw: Any) -> Any:
    """A stored (JSON) value as the Policy holds it; ValueError when invalid."""
    kind = VALUES[name][0]
    if kind == "int":
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise ValueError(f"{name}: a whole number of at least 0")
        return raw
    if kind == "bool":
        if not isinstance(raw, bool):
            raise ValueError(f"{name}: true or false")
        return raw
    if kind == "money":
        if raw is None:
            return None
        try:
            amount = Decimal(str(raw))
        except InvalidOperation:
            raise ValueError(f"{name}: an amount") from None
        if amount < 0 or not amount.is_finite():
            raise ValueError(f"{name}: an amount of at least 0")
        return amount
    if kind == "choice":
        if raw not in ("complaint", "auto_refund"):
            raise ValueError(f"{name}: complaint or auto_refund")
        return raw
    # evidence: {reason: [kinds]}
    if not isinstance(raw, dict):
        raise ValueError(f"{name}: an object of reason -> kinds")
    parsed: dict[str, tuple[str, ...]] = {}
    for reason, kinds in raw.items():
        if not isinstance(kinds, list | tuple) or any(
            k not in EVIDENCE_KINDS for k in kinds
        ):
            raise ValueError(f"{name}: kinds among {', '.join(EVIDENCE_KINDS)}")
        parsed[str(reason)] = tuple(kinds)
    return parsed


def check_entries(entries: Any) -> list[str]:
    """What is wrong with a version's entries (empty when they may be published)."""
    if not isinstance(entries, list):
        return ["entries: a list of scopes"]
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            problems.append("each entry: {category, region, values}")
            continue
        scope = (entry.get("category") or "", entry.get("region") or "")
        if scope in seen:
            problems.append(f"scope {scope} appears twice")
        seen.add(scope)
        for name, raw in entry["values"].items():
            if name not in VALUES:
                problems.append(f"unknown value {name}")
                continue
            try:
                parse_value(name, raw)
            except ValueError as exc:
                problems.append(str(exc))
    return problems


# Every version, read at most once a minute per process: a version takes
# effect at least 7 days after it is published, so a minute-old list never
# misses one in force; publishing in this process forgets it at once.
CACHE_SECONDS = 60.0
_cache: dict[str, Any] = {"at": None, "versions": ()}


def forget_versions() -> None:
    _cache["at"] = None


def cached_versions() -> tuple[PolicyVersion, ...]:
    """Every published version, oldest effective first (cached, see above)."""
    at = _cache["at"]
    if at is None or monotonic() - at > CACHE_SECONDS:
        _cache["versions"] = tuple(
            PolicyVersion.objects.order_by("effective_from", "version")
        )
        _cache["at"] = monotonic()
    versions: tuple[PolicyVersion, ...] = _cache["versions"]
    return versions


def version_in_force(at: datetime | None = None) -> PolicyVersion | None:
    """The version in force at `at` (now): the newest already effective."""
    at = at or timezone.now()
    found = None
    for version in cached_versions():
        if version.effective_from <= at:
            found = version
    return found


def version_by_pk(pk: int) -> PolicyVersion | None:
    """A version by id (from the cache; read again once if it is new)."""
    for _attempt in range(2):
        for version in cached_versions():
            if version.pk == pk:
                return version
        forget_versions()
    return None


class PolicyVersionQuerySet(models.QuerySet["PolicyVersion"]):
    def in_force(self, at: datetime | None = None) -> PolicyVersion | None:
        """The version in force at `at` (the newest one already effective)."""
        at = at or timezone.now()
        return (
            self.filter(effective_from__lte=at)
            .order_by("-effective_from", "-version")
            .first()
        )

    def upcoming(self, at: datetime | None = None) -> PolicyVersionQuerySet:
        """Versions published but not yet in force, soonest first."""
        return self.filter(effective_from__gt=at or timezone.now()).order_by(
            "effective_from", "version"
        )


class PolicyVersion(models.Model):
    """One published version of the dispute policy; never rewritten."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateTimeField(_("effective from"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    changes = models.TextField(_("what changed"), blank=True)
    # [{"category": code or "", "region": province or "", "values": {name: v}}]
    entries = models.JSONField(_("values by scope"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-version"]

    def __str__(self) -> str:
        return str(_("Policy version %(version)s") % {"version": self.version})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A published policy version is never rewritten.")
        super().save(*args, **kwargs)
        forget_versions()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Published policy versions are kept.")

    def scope_values(self, category: str, region: str) -> dict[str, Any]:
        """The raw values this version sets for exactly one scope."""
        for entry in self.entries:
            if (entry.get("category") or "") == category and (
                entry.get("region") or ""
            ) == region:
                return dict(entry.get("values") or {})
        return {}

    def resolve(self, category: str, region: str) -> dict[str, tuple[Any, str]]:
        """Every value this version sets for (category, region), with its level.

        Most specific first; values no scope sets are absent (the caller
        takes the platform default).
        """
        found: dict[str, tuple[Any, str]] = {}
        scopes = [
            (Level.CATEGORY_REGION, category, region),
            (Level.CATEGORY, category, ""),
            (Level.REGION, "", region),
            (Level.PLATFORM, "", ""),
        ]
        for level, cat, reg in scopes:
            if (level != Level.PLATFORM) and not (cat or reg):
                continue
            if level == Level.CATEGORY_REGION and not (cat and reg):
                continue
            for name, raw in self.scope_values(cat, reg).items():
                if name in VALUES and name not in found:
                    found[name] = (parse_value(name, raw), str(level))
        return found

    def value(self, name: str, category: str, region: str) -> Any:
        """One resolved value (the platform default when no scope sets it)."""
        resolved = self.resolve(category, region)
        if name in resolved:
            return resolved[name][0]
        return platform_defaults()[name]

    def diff(self, previous: PolicyVersion | None) -> list[dict[str, Any]]:
        """What this version changes from `previous`: one row per scope and value."""
        before = {
            (e.get("category") or "", e.get("region") or ""): e.get("values") or {}
            for e in (previous.entries if previous else [])
        }
        after = {
            (e.get("category") or "", e.get("region") or ""): e.get("values") or {}
            for e in self.entries
        }
        rows = []
        for scope in sorted(set(before) | set(after)):
            old, new = before.get(scope, {}), after.get(scope, {})
            for name in VALUES:
                if old.get(name) != new.get(name) and (name in old or name in new):
                    rows.append(
                        {
                            "category": scope[0],
                            "region": scope[1],
                            "name": name,
                            "before": old.get(name),
                            "after": new.get(name),
                        }
                    )
        return rows
