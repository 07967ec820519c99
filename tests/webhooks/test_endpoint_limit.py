"""A store has at most 10 webhook endpoints, also when they are registered at once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from core.errors import ApplicationError, ValidationFailed
from tests import factories as f
from webhooks.models import WebhookEndpoint
from webhooks.services import MAX_ENDPOINTS_PER_STORE, endpoint_create

URL = "http://127.0.0.1:9/hook"


@pytest.fixture(autouse=True)
def _loopback(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True


def register(store, n: int = 0) -> WebhookEndpoint:
    endpoint, _secret = endpoint_create(
        actor=store.owner, url=f"{URL}/{n}", store_id=store.pk
    )
    return endpoint


@pytest.mark.django_db
def test_the_eleventh_endpoint_is_refused_and_nothing_is_written():
    store = f.StoreFactory()
    for n in range(MAX_ENDPOINTS_PER_STORE):
        register(store, n)
    with pytest.raises(ValidationFailed, match="at most 10 webhook endpoints"):
        register(store, 99)
    assert WebhookEndpoint.objects.filter(store=store).count() == 10


@pytest.mark.django_db
def test_the_limit_is_per_store():
    full, other = f.StoreFactory(), f.StoreFactory()
    for n in range(MAX_ENDPOINTS_PER_STORE):
        register(full, n)
    register(other)
    assert WebhookEndpoint.objects.filter(store=other).count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_stop_at_ten():
    """Before, each counted the endpoints it saw and 11 were created (PostgreSQL;
    SQLite serialises the writers, and the test holds there too)."""
    store = f.StoreFactory()
    for n in range(6):
        register(store, n)
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait()
            register(store, 100 + i)
            outcome = "ok"
        except ApplicationError as exc:
            outcome = str(exc.status_code)
        except Exception as exc:
            outcome = type(exc).__name__
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["400"] * 4 + ["ok"] * 4
    assert WebhookEndpoint.objects.filter(store=store).count() == 10
