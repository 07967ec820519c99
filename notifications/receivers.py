"""Listen to the disputes app without it importing us."""

from __future__ import annotations

from core.tasks import enqueue_on_commit

from . import tasks


def fan_out_on_commit(sender, *, dispute, event, **kwargs) -> None:
    """Queue the fan-out of a new timeline entry; it runs after commit."""
    enqueue_on_commit(tasks.notify_case_event, event.pk, dispute.assigned_to_id)


def store_news_on_notice(sender, *, notice, action, **kwargs) -> None:
    """A governance notice is also news in its merchants' in-page inbox."""
    from django.urls import reverse

    from .services import store_news_notify

    store_news_notify(
        store=notice.store,
        kind=f"governance_{notice.kind}",
        source=f"governance_notice:{notice.pk}",
        link=reverse("reports:store_health") + f"?store={notice.store_id}",
    )


def store_news_on_contest(sender, *, contest, store, uphold, **kwargs) -> None:
    """A contest decided is news in the store's merchants' in-page inbox."""
    from django.urls import reverse

    from .services import store_news_notify

    store_news_notify(
        store=store,
        kind="contest_upheld" if uphold else "contest_rejected",
        source=f"case_contest:{contest.pk}",
        link=reverse("reports:store_health") + f"?store={store.pk}",
    )


def store_news_read(sender, *, user, store, **kwargs) -> None:
    """The merchant opened the store's health page: its news is read."""
    from .services import store_news_seen

    store_news_seen(user=user, store=store)
