from typing import Any

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fastpath_fsm import ConcurrentTransitionMixin

PROVINCES = [
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏",
    "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西",
    "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏",
    "新疆", "香港", "澳门", "台湾",
]  # fmt: skip


class SilentMerchantAction(models.TextChoices):
    """What the platform does when a merchant stays silent past the deadline."""

    COMPLAINT = "complaint", _("Escalate to the platform")
    AUTO_REFUND = "auto_refund", _("Refund the buyer automatically")


class Category(models.Model):
    """A business line; it may override the platform's dispute deadlines."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    after_sales_days = models.PositiveIntegerField(
        _("after-sales window (days)"), null=True, blank=True
    )
    merchant_response_hours = models.PositiveIntegerField(
        _("merchant response (hours)"), null=True, blank=True
    )
    evidence_hours = models.PositiveIntegerField(
        _("evidence deadline (hours)"), null=True, blank=True
    )
    appeal_days = models.PositiveIntegerField(
        _("appeal window (days)"), null=True, blank=True
    )
    pickup_sla_hours = models.PositiveIntegerField(
        _("pick-up target (hours)"), null=True, blank=True
    )
    ruling_sla_hours = models.PositiveIntegerField(
        _("ruling target (hours)"), null=True, blank=True
    )
    silent_merchant_action = models.CharField(
        _("when the merchant stays silent"),
        max_length=16,
        choices=SilentMerchantAction.choices,
        blank=True,
    )

    class Meta:
        verbose_name = _("store category")
        verbose_name_plural = _("store categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Tier(models.TextChoices):
    """A store's standing, from good to delisted (each worse than the last)."""

    GOOD = "good", _("Good")
    WATCH = "watch", _("Watch (reminder)")
    WARNING = "warning", _("Warning")
    RESTRICTED = "restricted", _("Restricted")
    SUSPENDED = "suspended", _("Suspended")
    DELISTED = "delisted", _("Delisted")


TIER_ORDER = [t.value for t in Tier]


def tier_rank(tier: str) -> int:
    """0 for good … 5 for delisted."""
    return TIER_ORDER.index(tier)


class StoreStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    DELISTED = "delisted", _("Delisted")


def store_accepts_orders(status: str) -> bool:
    """A suspended or delisted store receives no new orders."""
    return status not in (StoreStatus.SUSPENDED, StoreStatus.DELISTED)


class Store(ConcurrentTransitionMixin, models.Model):
    """A merchant's shop; its review status has its own lifecycle."""

    name = models.CharField(_("name"), max_length=128, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_stores",
        verbose_name=_("owner"),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="staffed_stores",
        verbose_name=_("staff"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="stores",
        verbose_name=_("category"),
    )
    region = models.CharField(
        _("region (province)"),
        max_length=16,
        choices=[(p, p) for p in PROVINCES],
        db_index=True,
    )
    status = fsm.FSMField(
        _("status"),
        max_length=16,
        choices=StoreStatus.choices,
        default=StoreStatus.PENDING,
        protected=True,
        db_index=True,
    )
    status_reason = models.TextField(_("status reason"), blank=True)
    # The governance tier (stores.governance moves it; suspended and
    # delisted go with the status of the same name).
    tier = models.CharField(
        _("tier"),
        max_length=16,
        choices=Tier.choices,
        default=Tier.GOOD,
        db_default=Tier.GOOD,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Where buyers send goods back (退货地址); shown to a buyer only once a
    # return is agreed. Read through stores.selectors.return_address.
    return_recipient = models.CharField(
        _("return recipient"), max_length=64, blank=True
    )
    return_phone = models.CharField(_("return phone"), max_length=20, blank=True)
    return_province = models.CharField(
        _("return province"),
        max_length=16,
        choices=[(p, p) for p in PROVINCES],
        blank=True,
    )
    return_city = models.CharField(_("return city"), max_length=32, blank=True)
    return_district = models.CharField(_("return district"), max_length=32, blank=True)
    return_address_line = models.CharField(
        _("return street address"), max_length=200, blank=True
    )
    return_address_updated_at = models.DateTimeField(
        _("return address updated at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def accepts_orders(self) -> bool:
        """Whether the shop platform may send this store new orders: not
        while it is suspended or delisted (the import answers 409)."""
        return store_accepts_orders(self.status)

    @fsm.transition(status, source=StoreStatus.PENDING, target=StoreStatus.ACTIVE)
    def approve(self) -> None:
        """Open the store for business after review."""

    @fsm.transition(status, source=StoreStatus.ACTIVE, target=StoreStatus.SUSPENDED)
    def suspend(self) -> None:
        """Stop the store from trading for now."""

    @fsm.transition(status, source=StoreStatus.SUSPENDED, target=StoreStatus.ACTIVE)
    def reinstate(self) -> None:
        """Let a suspended store trade again."""

    @fsm.transition(
        status,
        source=[StoreStatus.ACTIVE, StoreStatus.SUSPENDED],
        target=StoreStatus.DELISTED,
    )
    def delist(self) -> None:
        """Remove the store from the marketplace for good."""


class StoreReviewLog(models.Model):
    """An append-only record of a store's status changes."""

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="review_log"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=16)
    from_status = models.CharField(_("from"), max_length=16)
    to_status = models.CharField(_("to"), max_length=16)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("store review entry")
        verbose_name_plural = _("store review log")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        labels = dict(StoreStatus.choices)
        before = labels.get(self.from_status, self.from_status)
        after = labels.get(self.to_status, self.to_status)
        return f"{self.store}: {before} → {after}"


# Store health and governance (docs/governance.md).


class GovernanceRule(models.Model):
    """One version of the published governance rule: the figures and their
    weights, the score thresholds of each tier, the sample floor and windows.

    A version is never edited once in force; a change is a new version whose
    `effective_from` lies in the future (`stores.governance.rule_new`).
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateTimeField(_("in force from"))
    # [{"name", "weight", "better": "lower"|"higher", "acceptable"}] (see
    # reports.health): a figure no worse than `acceptable` scores full marks.
    figures = models.JSONField(_("figures and weights"))
    # tier -> the score below which a store falls into that tier.
    thresholds = models.JSONField(_("tier thresholds"))
    min_orders = models.PositiveIntegerField(_("orders needed for a score"), default=30)
    window_days = models.PositiveIntegerField(_("window (days)"), default=30)
    wide_window_days = models.PositiveIntegerField(
        _("widened window (days)"), default=90
    )
    appeal_working_days = models.PositiveIntegerField(
        _("appeal decided within (working days)"), default=3
    )
    note = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("governance rule")
        verbose_name_plural = _("governance rules")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("disputes:rule_version", args=[self.CODE, self.version])

    def weight_of(self, name: str) -> int:
        return next((f["weight"] for f in self.figures if f["name"] == name), 0)

    # Read on the rules pages like a platform rule's version.
    CODE = "store-governance"

    @property
    def code(self) -> str:
        return self.CODE

    @property
    def title(self) -> str:
        return str(_("Store governance rule"))

    @property
    def text(self) -> str:
        from .governance import rule_text

        return rule_text(self)

    @property
    def changes(self) -> str:
        return self.note


class ActionState(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting a supervisor")
    APPLIED = "applied", _("In force")
    DECLINED = "declined", _("Declined")
    OVERTURNED = "overturned", _("Overturned on appeal")


class Decided(models.Model):
    """A supervisor's decision with its written reason: what a governance
    action and an appeal against it both record."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        abstract = True

    def record_decision(self, actor: Any, reason: str) -> None:
        """Who decided, when, and why (saved by the caller)."""
        self.decided_by, self.decided_at = actor, timezone.now()
        self.decision_reason = reason


class GovernanceAction(Decided):
    """A change of a store's tier: proposed (by the system or an agent),
    decided by a supervisor with a written reason, told to the merchant."""

    store = models.ForeignKey(
        Store,
        on_delete=models.CASCADE,
        related_name="governance_actions",
        verbose_name=_("store"),
    )
    from_tier = models.CharField(_("from"), max_length=16, choices=Tier.choices)
    to_tier = models.CharField(_("to"), max_length=16, choices=Tier.choices)
    rule = models.ForeignKey(
        GovernanceRule,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("rule version"),
    )
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    # The facts when proposed: the health snapshot (window, orders, figures
    # with numerator, denominator, weight, category median, percentile).
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ActionState.choices,
        default=ActionState.PROPOSED,
        db_index=True,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    proposal_note = models.TextField(_("why proposed"), blank=True)

    class Meta:
        verbose_name = _("governance action")
        verbose_name_plural = _("governance actions")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["store"],
                condition=models.Q(state="proposed"),
                name="governance_one_open_proposal",
            )
        ]

    def __str__(self) -> str:
        before, after = self.get_from_tier_display(), self.get_to_tier_display()
        return f"{self.store}: {before} → {after}"

    @property
    def is_reinstatement(self) -> bool:
        return tier_rank(self.from_tier) >= tier_rank(Tier.SUSPENDED) and tier_rank(
            self.to_tier
        ) < tier_rank(Tier.SUSPENDED)


class AppealState(models.TextChoices):
    PENDING = "pending", _("Awaiting a decision")
    UPHELD = "upheld", _("Action upheld")
    OVERTURNED = "overturned", _("Action overturned")


class GovernanceAppeal(Decided):
    """The merchant's one appeal against an action, decided by another supervisor."""

    action = models.OneToOneField(
        GovernanceAction,
        on_delete=models.CASCADE,
        related_name="appeal",
        verbose_name=_("action"),
    )
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("appellant"),
    )
    reason = models.TextField(_("grounds"))
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    due_at = models.DateTimeField(_("decision due"))
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=AppealState.choices,
        default=AppealState.PENDING,
        db_index=True,
    )

    class Meta:
        verbose_name = _("governance appeal")
        verbose_name_plural = _("governance appeals")
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.get_state_display()}"


class GovernanceNotice(models.Model):
    """What the merchant was told of an action: shown in the page, mailed,
    and sent to their webhooks as `store.governance_changed`."""

    store = models.ForeignKey(
        Store,
        on_delete=models.CASCADE,
        related_name="governance_notices",
        verbose_name=_("store"),
    )
    action = models.ForeignKey(
        GovernanceAction,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("action"),
    )
    kind = models.CharField(_("kind"), max_length=24)  # applied|reinstated|appeal_*
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("governance notice")
        verbose_name_plural = _("governance notices")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject
