"""In-page notifications and what each user has seen of each case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.models import Dispute, DisputeEvent
from stores.models import Store


class Notification(models.Model):
    """One timeline entry told to one user: shown in the page, maybe e-mailed.

    Or one store's governance news told to its merchant (a tier change, a
    reinstatement, an appeal or a contest decided): then no case and no
    timeline entry, but the store, the page to open (`link`) and `source`,
    what it tells of ("governance_notice:<id>", "case_contest:<id>"; one
    notification a source and recipient).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    case = models.ForeignKey(
        Dispute,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("case"),
    )
    event = models.ForeignKey(
        DisputeEvent,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("timeline entry"),
    )
    store = models.ForeignKey(
        Store,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("store"),
    )
    link = models.CharField(_("link"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=48, blank=True)
    # The event's action code (`reject`, `sla_warning`, …) or the governance
    # news (`governance_applied`, `contest_upheld`, …): what happened.
    kind = models.CharField(_("kind"), max_length=32)
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A task that runs twice tells nobody twice.
            models.UniqueConstraint(
                fields=["recipient", "event"], name="notification_once_per_event"
            ),
            models.UniqueConstraint(
                fields=["recipient", "source"],
                condition=~Q(source=""),
                name="notification_once_per_source",
            ),
            # A case's news, or a store's (governance), never neither.
            models.CheckConstraint(
                condition=Q(case__isnull=False, event__isnull=False)
                | Q(store__isnull=False, link__gt=""),
                name="notification_case_or_store",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at", "-id"], name="notification_inbox"
            ),
            models.Index(
                fields=["recipient", "case"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.case_id or self.store_id} · {self.kind}"


class CaseSeen(models.Model):
    """When a user last opened a case page: later activity is "new" to them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("case seen")
        verbose_name_plural = _("cases seen")
        constraints = [
            models.UniqueConstraint(fields=["user", "case"], name="case_seen_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} saw {self.case_id} at {self.seen_at:%Y-%m-%d %H:%M}"
