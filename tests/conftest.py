import pytest
from django.core.cache import caches
from django.db import connection
from django.urls import set_urlconf
from django.utils import timezone, translation

from disputes.models.policy import forget_versions


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files of each test go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def forget_the_last_test() -> None:
    """What one test leaves in the process, gone: the active language and time
    zone (a request leaves its language active on the thread: after a page asked
    for in Chinese, `gettext` outside any request answers in Chinese) and every
    cache (the API throttle counters are kept per user id, and SQLite hands the
    same ids out again after each test's rollback); a file response's URL
    configuration is let go as well."""
    translation.deactivate()
    timezone.deactivate()
    set_urlconf(None)
    for cache in caches.all(initialized_only=True):
        cache.clear()
    forget_versions()  # policy versions, kept a minute per process


@pytest.fixture(autouse=True)
def _isolated():
    """Every test starts as the first one does, in any order (pytest-randomly)."""
    forget_the_last_test()
    yield
    forget_the_last_test()


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL row locks; SQLite serialises writers (set DATABASE_URL)",
)


def run_queued_tasks() -> int:
    """Run every task that is due with the real worker (`db_worker --batch`).

    Tasks queued in the test's transaction are visible to it (same connection);
    retries scheduled for later stay queued. Returns how many tasks ran. The
    worker's `close_old_connections` is switched off: in a test it would close
    the connection that holds the test's transaction.
    """
    import io
    import signal
    from unittest import mock

    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    before = DBTaskResult.objects.exclude(status="READY").count()
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    worker = "django_tasks_db.management.commands.db_worker.close_old_connections"
    try:
        with mock.patch(worker):
            call_command(
                "db_worker",
                batch=True,
                reload=False,
                startup_delay=False,
                interval=0,
                queue_name="*",
                verbosity=0,
                stdout=io.StringIO(),
            )
    finally:  # the worker installs its own handlers; give pytest back its own
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    return DBTaskResult.objects.exclude(status="READY").count() - before


@pytest.fixture
def run_tasks():
    """`run_tasks()` runs the queued tasks the way `manage.py db_worker` does."""
    return run_queued_tasks
