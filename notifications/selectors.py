"""Every read of the notifications app that pages, admin and API share."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Exists, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts.models import User
from core.roles import is_platform_staff
from disputes.models import DisputeEvent

from .models import CaseSeen, Notification

_NEVER = datetime(2000, 1, 1, tzinfo=UTC)


def notification_list(*, user: User, unread: bool | None = None) -> QuerySet:
    """The user's notifications, newest first, with their case joined."""
    qs = Notification.objects.filter(recipient=user).select_related(
        "case", "event__actor", "store"
    )
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs.order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    """How many notifications the user has not read (one indexed COUNT)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def with_unseen_activity(qs: QuerySet, *, user: User) -> QuerySet:
    """Annotate cases with `has_unseen`: activity by others since the user last
    opened the case (or ever, if never). Parties count public entries only.

    One subquery in the same SELECT: list pages keep their query count.
    """
    activity = DisputeEvent.objects.filter(
        dispute=OuterRef("pk"),
        created_at__gt=Coalesce(OuterRef("seen_at"), Value(_NEVER)),
    ).exclude(actor=user)
    if not is_platform_staff(user):
        activity = activity.filter(internal=False)
    seen_at = CaseSeen.objects.filter(user=user, case=OuterRef("pk")).values("seen_at")
    return qs.annotate(seen_at=Subquery(seen_at[:1])).annotate(
        has_unseen=Exists(activity)
    )


def case_path_for(user: User, case) -> str:
    """Where this user works on the case: the workbench for staff, else the portal."""
    if is_platform_staff(user):
        return reverse("admin:disputes_dispute_change", args=[case.pk])
    return case.get_absolute_url()


def notification_path(user: User, notification: Notification) -> str:
    """Where a notification leads this user: the case, or the store's page
    (its governance news: the health page)."""
    if notification.case is None:
        return notification.link
    return case_path_for(user, notification.case)


def notification_title(notification: Notification) -> str:
    """What a notification is about: the case number, or the store's name."""
    if notification.case is not None:
        return notification.case.number
    return notification.store.name if notification.store is not None else ""
