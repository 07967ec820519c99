"""The bulk builder's clock: `timezone.now()` answers the moment of the step
being built, in the building thread only.

The model's transitions and their conditions read `timezone.now()`: the
services run them on the real clock, the replay on a travelled one
(`time_machine`). The bulk builder moves the clock at every step of a
million cases: travelling costs tens of microseconds a move and moves the
clock of every thread, while this costs a context-variable read, and any
other thread (the one writing rows to the database) keeps the real time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_moment: ContextVar[datetime | None] = ContextVar("demo_moment", default=None)
_lock = threading.Lock()
_installed: list[Callable[[], datetime]] = []  # the clock replaced, while in use
_users = 0


def _now() -> datetime:
    moment = _moment.get()
    return _installed[0]() if moment is None else moment


@contextmanager
def stepping() -> Iterator[Callable[[datetime], object]]:
    """Yield `move_to(moment)`: from then on `timezone.now()` answers `moment`
    in this thread (and context), until the block ends. May be nested and
    used by several threads at once."""
    global _users
    with _lock:
        if _users == 0:
            _installed[:] = [timezone.now]
            timezone.now = _now
        _users += 1
    token = _moment.set(None)
    try:
        yield _moment.set
    finally:
        _moment.reset(token)
        with _lock:
            _users -= 1
            if _users == 0:
                timezone.now = _installed.pop()
