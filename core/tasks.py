"""Shared task plumbing: enqueue with the transaction, retry with back-off.

Everything that leaves a request (mail, webhooks, notification fan-out) is a
django-tasks task run by `manage.py db_worker`. Tasks are delivered at least
once (a worker killed mid-task leaves it to `requeue_stale_tasks`), so every
task must be safe to run twice.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 6
DEFAULT_BACKOFF_SECONDS = 30
DEFAULT_MAX_BACKOFF_SECONDS = 6 * 3600


def enqueue_on_commit(task_: Task[..., Any], *args: Any, **kwargs: Any) -> None:
    """Queue `task_(*args, **kwargs)` once the current transaction commits.

    With the database backend the task row is written in the transaction
    itself, so it becomes visible to workers exactly at commit and vanishes
    with a rollback (no window where the data is saved but the task lost).
    Other backends (the immediate one in some tests) enqueue on commit.
    Outside a transaction both enqueue at once.
    """
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(task_.get_backend(), DatabaseBackend):
        task_.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(functools.partial(task_.enqueue, *args, **kwargs))


def backoff_delay(
    attempt: int,
    *,
    base_seconds: float = DEFAULT_BACKOFF_SECONDS,
    max_seconds: float = DEFAULT_MAX_BACKOFF_SECONDS,
) -> timedelta:
    """The wait before attempt `attempt + 1`: base, 2×base, 4×base, … capped."""
    return timedelta(seconds=min(base_seconds * 2 ** (attempt - 1), max_seconds))


def retrying_task(
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
    max_backoff_seconds: float = DEFAULT_MAX_BACKOFF_SECONDS,
    priority: int = 0,
    queue_name: str = "default",
) -> Callable[[Callable[..., Any]], Task[..., Any]]:
    """Make a task that retries itself with exponential back-off.

    django-tasks 0.12 has no retries. The wrapped function gets an extra
    keyword `attempt` (1 for the first run). When it raises and attempts are
    left, the same call is enqueued again with `run_after` = now + back-off and
    `attempt + 1`, and the error is re-raised, so each failed attempt stays in
    the task results (admin: Tasks) as FAILED with its traceback. After
    `max_attempts` the last failure is final.
    """

    def decorate(func: Callable[..., Any]) -> Task[..., Any]:
        @functools.wraps(func)
        def run(*args: Any, attempt: int = 1, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except Exception:
                if attempt >= max_attempts:
                    logger.error(
                        "Task %s gave up after %d attempts", func.__name__, attempt
                    )
                    raise
                delay = backoff_delay(
                    attempt,
                    base_seconds=backoff_seconds,
                    max_seconds=max_backoff_seconds,
                )
                the_task.using(run_after=timezone.now() + delay).enqueue(
                    *args, attempt=attempt + 1, **kwargs
                )
                logger.warning(
                    "Task %s failed (attempt %d of %d), retrying in %s",
                    func.__name__,
                    attempt,
                    max_attempts,
                    delay,
                )
                raise

        the_task = task(priority=priority, queue_name=queue_name)(run)
        return the_task

    return decorate


def tasks_requeue_stale(*, older_than: timedelta) -> int:
    """Put RUNNING tasks whose worker is gone back in the queue; returns how many.

    A worker killed mid-task (SIGKILL, a lost machine) leaves its task RUNNING
    for ever. One UPDATE, so several machines may run it at once. A task that
    really runs longer than `older_than` would run twice: keep tasks short.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - older_than
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY, started_at=None)
