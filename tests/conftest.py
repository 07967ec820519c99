import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files of each test go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


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
