"""Every write of the notifications app."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.tasks import enqueue_on_commit
from disputes.models import Dispute, DisputeEvent
from stores.models import Store

from . import tasks
from .audience import audience, wants_mail
from .models import CaseSeen, Notification
from .wording import STORE_NEWS_LABELS


def notifications_fan_out(*, event_id: int, assigned_to_id: int | None) -> int:
    """Create the notifications of one timeline entry and queue their mail.

    `assigned_to_id` is the case's agent when the entry was written.

    Safe to run twice: a recipient gets one notification per entry (a unique
    constraint) and one mail (the mail task claims `emailed_at`).
    """
    event = (
        DisputeEvent.objects.select_related("dispute__buyer", "dispute__store__owner")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    assigned_to = (
        User.objects.filter(pk=assigned_to_id).first() if assigned_to_id else None
    )
    people = audience(case=event.dispute, event=event, assigned_to=assigned_to)
    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=person,
                    case=event.dispute,
                    event=event,
                    kind=event.action,
                    created_at=event.created_at,
                )
                for person in people
            ],
            ignore_conflicts=True,
        )
        mailed = [p.pk for p in people if wants_mail(p, event.action)]
        pending = Notification.objects.filter(
            event=event, recipient_id__in=mailed, emailed_at__isnull=True
        ).values_list("pk", flat=True)
        for pk in pending:
            enqueue_on_commit(tasks.mail_notification, pk)
    return len(people)


def store_news_notify(*, store: Store, kind: str, source: str, link: str) -> int:
    """Tell a store's merchants (its owner and staff) of its governance news
    in their in-page inbox; returns how many were told.

    `kind` is one of `STORE_NEWS_LABELS`; `source` names what is told
    ("governance_notice:<id>", "case_contest:<id>"): a recipient gets one
    notification a source, so running it twice tells nobody twice. Written
    in the caller's transaction (the notice and its news commit together).
    The mail of a notice is its own (stores.tasks), not sent from here.
    """
    if kind not in STORE_NEWS_LABELS:
        raise ValueError(f"unknown store news {kind!r}")
    people = {store.owner_id} | set(store.staff.values_list("pk", flat=True))
    active = User.objects.filter(pk__in=people, is_active=True).values_list(
        "pk", flat=True
    )
    now = timezone.now()
    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=pk,
                    store=store,
                    kind=kind,
                    link=link,
                    source=source,
                    created_at=now,
                )
                for pk in active
            ],
            ignore_conflicts=True,
        )
    return len(active)


def notifications_mark_read(
    *, user: User, ids: Iterable[int] | None = None, all: bool = False
) -> int:
    """Mark the user's own notifications read (these ids, or all); returns how many.

    Ids of other users' notifications are ignored, never an error: they do
    not exist for this user.
    """
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if not all:
        unread = unread.filter(pk__in=list(ids or []))
    return unread.update(read_at=timezone.now())


def case_seen_record(*, user: User, case: Dispute) -> None:
    """The user opened the case page: its activity so far is no longer new."""
    now = timezone.now()
    CaseSeen.objects.bulk_create(
        [CaseSeen(user=user, case=case, seen_at=now)],
        update_conflicts=True,
        unique_fields=["user", "case"],
        update_fields=["seen_at"],
    )
    Notification.objects.filter(recipient=user, case=case, read_at__isnull=True).update(
        read_at=now
    )


def store_news_seen(*, user: User, store: Store) -> None:
    """The merchant opened the store's health page: its news so far is read."""
    Notification.objects.filter(
        recipient=user, store=store, case__isnull=True, read_at__isnull=True
    ).update(read_at=timezone.now())
