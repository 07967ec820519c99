import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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


class StoreStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    DELISTED = "delisted", _("Delisted")


class Store(fsm.ConcurrentTransitionMixin, models.Model):
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
