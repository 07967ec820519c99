"""The task queue: enqueued with the transaction, retried with back-off,
delivered once by several workers, recovered after a worker is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.tasks import backoff_delay, enqueue_on_commit, tasks_requeue_stale
from tests import factories as f
from tests.conftest import postgres_only

from . import jobs

ROOT = Path(__file__).resolve().parents[2]


def rows(**filters):
    return DBTaskResult.objects.filter(
        task_path__startswith="tests.core.jobs", **filters
    )


@pytest.mark.django_db
class TestEnqueueOnCommit:
    def test_a_task_commits_with_the_data(self, tmp_path):
        with transaction.atomic():
            enqueue_on_commit(jobs.append_line, str(tmp_path / "out"), "one")
        assert rows(status="READY").count() == 1

    def test_a_rollback_takes_the_task_with_it(self, tmp_path):
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_on_commit(jobs.append_line, str(tmp_path / "out"), "one")
            raise RuntimeError("the write failed")
        assert rows().count() == 0

    def test_other_backends_enqueue_after_commit(
        self, settings, tmp_path, django_capture_on_commit_callbacks
    ):
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
        out = tmp_path / "out"
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                enqueue_on_commit(jobs.append_line, str(out), "one")
                assert not out.exists()  # nothing before the commit
        assert out.read_text() == "one\n"


class TestRetries:
    def test_the_back_off_doubles_up_to_a_cap(self):
        delays = [
            backoff_delay(n, base_seconds=30, max_seconds=600) for n in range(1, 7)
        ]
        assert [d.total_seconds() for d in delays] == [30, 60, 120, 240, 480, 600]

    @pytest.mark.django_db
    def test_a_failing_task_is_retried_later_and_then_succeeds(self, run_tasks):
        import time_machine

        jobs.CALLS.clear()
        jobs.flaky.enqueue("twice", 2)  # fails twice, then works; 3 attempts allowed
        run_tasks()
        assert rows(status="FAILED").count() == 1
        (retry,) = rows(status="READY")
        assert retry.args_kwargs == {"args": ["twice", 2], "kwargs": {"attempt": 2}}
        assert retry.run_after > timezone.now() + timedelta(seconds=55)
        with time_machine.travel(timezone.now() + timedelta(seconds=61)):
            run_tasks()
        (retry,) = rows(status="READY")
        assert retry.args_kwargs["kwargs"] == {"attempt": 3}
        assert retry.run_after > timezone.now() + timedelta(seconds=115)  # doubled
        with time_machine.travel(timezone.now() + timedelta(seconds=200)):
            run_tasks()
        assert rows(status="SUCCESSFUL").get().return_value == "twice"
        assert rows(status="FAILED").count() == 2

    @pytest.mark.django_db
    def test_the_last_attempt_fails_for_good(self, run_tasks):
        import time_machine

        jobs.CALLS.clear()
        jobs.flaky.enqueue("always", 99)
        for seconds in (0, 61, 200):
            with time_machine.travel(timezone.now() + timedelta(seconds=seconds)):
                run_tasks()
        assert rows(status="FAILED").count() == 3
        assert not rows(status="READY").exists()
        last = rows().order_by("-enqueued_at").first()
        assert "RuntimeError: always failed" in last.traceback


@pytest.mark.django_db
class TestStaleTasks:
    def _running(self, minutes_ago: int) -> DBTaskResult:
        result = jobs.append_line.enqueue("/dev/null", "x").db_result
        result.claim("dead-worker")
        DBTaskResult.objects.filter(pk=result.pk).update(
            started_at=timezone.now() - timedelta(minutes=minutes_ago)
        )
        return result

    def test_a_task_running_too_long_goes_back_to_the_queue(self):
        lost, busy = self._running(20), self._running(1)
        assert tasks_requeue_stale(older_than=timedelta(minutes=15)) == 1
        lost.refresh_from_db()
        busy.refresh_from_db()
        assert (lost.status, busy.status) == ("READY", "RUNNING")
        assert lost.worker_ids == ["dead-worker"]  # who had it stays on record

    def test_the_command(self, settings):
        self._running(20)
        call_command("requeue_stale_tasks", "--minutes", "15", verbosity=0)
        assert rows(status="READY").count() == 1


@pytest.mark.django_db
def test_task_attempts_and_errors_are_in_the_admin(client, run_tasks):
    jobs.CALLS.clear()
    jobs.flaky.enqueue("admin", 5)
    run_tasks()
    admin = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert page.status_code == 200
    body = page.content.decode()
    assert "flaky" in body and "RuntimeError" in body
    retry = rows(status="READY").get()
    page = client.get(f"/admin/django_tasks_database/dbtaskresult/{retry.pk}/change/")
    assert page.status_code == 200


@pytest.mark.django_db
def test_agents_do_not_see_the_task_queue(client):
    client.force_login(f.agent())
    assert client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 403


# Real worker processes against a committed PostgreSQL database.
def _worker_env() -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return {
        **os.environ,
        "DATABASE_URL": f"{url}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }


def _worker(*args: str) -> subprocess.Popen:
    command = [sys.executable, "manage.py", "db_worker", "--no-reload",
               "--no-startup-delay", "--interval", "0.05", *args]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, env=_worker_env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_deliver_each_task_once(tmp_path):
    out = tmp_path / "delivered"
    for i in range(300):
        jobs.append_line.enqueue(str(out), str(i))
    workers = [_worker("--batch"), _worker("--batch")]
    for worker in workers:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
    lines = out.read_text().split()
    assert sorted(lines, key=int) == [str(i) for i in range(300)]  # each once
    assert rows(status="SUCCESSFUL").count() == 300
    by_worker = {r.worker_ids[0] for r in rows()}
    assert len(by_worker) == 2, "both workers took a share"


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_is_killed_is_run_again(tmp_path):
    out = tmp_path / "delivered"
    jobs.sleep_then_append.enqueue(str(out), "done", 30)
    worker = _worker()
    started = Path(str(out) + ".started")
    deadline = time.monotonic() + 60
    while not started.exists():
        assert time.monotonic() < deadline, "the worker never started the task"
        time.sleep(0.1)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    (task,) = rows()
    assert task.status == "RUNNING" and not out.exists()

    assert tasks_requeue_stale(older_than=timedelta(minutes=15)) == 0  # too soon
    assert tasks_requeue_stale(older_than=timedelta(0)) == 1
    DBTaskResult.objects.filter(pk=task.pk).update(
        args_kwargs={"args": [str(out), "done", 0], "kwargs": {}}
    )  # the second run need not wait
    second = _worker("--batch")
    _, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert len(task.worker_ids) == 2  # the killed worker, then the one that ran it
    assert out.read_text() == "done\n"
