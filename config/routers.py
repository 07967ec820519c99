"""Send the reads of list and report pages to a read replica, when there is one.

With `DATABASE_REPLICA_URL` set, settings define a second alias, "replica".
Reads go there only when all of these hold, otherwise to the primary:

- the request is a GET or HEAD of a view named in REPLICA_READ_VIEWS (the
  case lists, the reports), or the code runs inside `replica_reads()`;
- the request has written nothing yet (a write pins the rest of the request
  to the primary, so it reads its own change);
- no transaction is open on the primary (reads inside `atomic` belong to it);
- the browser did not write in the last REPLICA_PIN_SECONDS (a cookie pins it
  to the primary, so a redirect after a POST never shows a lagging replica).

Writes, migrations and `select_for_update` always use the primary.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
PIN_COOKIE = "db_pin"

# Views whose GET reads may come from the replica (URL names, or a prefix
# ending in ":" for a whole namespace). Extend it when a new list or report
# page appears.
REPLICA_READ_VIEWS = (
    "reports:",
    "v1:report-",
    "v1:dispute-list",
    "v1:order-list",
    "disputes:list",
    "orders:list",
    "admin:disputes_dispute_changelist",
    "admin:orders_order_changelist",
)


@dataclass
class _Reads:
    replica: bool = False
    wrote: bool = False


_state: ContextVar[_Reads | None] = ContextVar("replica_reads", default=None)


def has_replica() -> bool:
    return settings.REPLICA_READS and REPLICA in connections.settings


@contextmanager
def replica_reads() -> Iterator[_Reads]:
    """Let reads in this block use the replica (until something is written)."""
    reads = _Reads(replica=True)
    token = _state.set(reads)
    try:
        yield reads
    finally:
        _state.reset(token)


@contextmanager
def primary_reads() -> Iterator[_Reads]:
    """Track writes in this block; its reads stay on the primary."""
    reads = _Reads(replica=False)
    token = _state.set(reads)
    try:
        yield reads
    finally:
        _state.reset(token)


class ReplicaRouter:
    """Reads to the replica when allowed (see the module docstring)."""

    def db_for_read(self, model, **hints):
        reads = _state.get()
        if (
            reads is None
            or not reads.replica
            or reads.wrote
            or not has_replica()
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        reads = _state.get()
        if reads is not None:
            reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one data set, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def replica_view(view_name: str) -> bool:
    return any(
        view_name.startswith(name) if name.endswith(":") else view_name == name
        for name in REPLICA_READ_VIEWS
    )


class ReplicaReadsMiddleware:
    """Open the right read scope for each request; pin a writer to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with primary_reads() as reads:
            request._replica_reads = reads
            response = self.get_response(request)
        if reads.wrote and has_replica():
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + settings.REPLICA_PIN_SECONDS),
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        reads = getattr(request, "_replica_reads", None)
        match = request.resolver_match
        if (
            reads is not None
            and request.method in ("GET", "HEAD")
            and match is not None
            and replica_view(match.view_name or "")
            and not _pinned(request)
        ):
            reads.replica = True


def _pinned(request) -> bool:
    raw = request.COOKIES.get(PIN_COOKIE, "")
    return raw.isdigit() and int(raw) > time.time()
