"""The bulk builder's step clock: the step's moment, in its own thread only."""

import threading
from datetime import UTC, datetime

from django.utils import timezone

from demo.clock import stepping

MOMENT = datetime(2026, 1, 1, 8, 30, tzinfo=UTC)


def test_the_clock_answers_the_moment_in_the_building_thread_only():
    real_now = timezone.now
    seen = {}
    with stepping() as move_to:
        assert abs(timezone.now() - real_now()).total_seconds() < 1  # not moved yet
        move_to(MOMENT)
        assert timezone.now() == MOMENT
        writer = threading.Thread(target=lambda: seen.update(now=timezone.now()))
        writer.start()
        writer.join()
        with stepping() as inner:  # nested: the same clock
            inner(MOMENT.replace(hour=9))
            assert timezone.now() == MOMENT.replace(hour=9)
        assert timezone.now() == MOMENT  # the outer block's moment again
    # The other thread (the one writing rows) kept the real time.
    assert abs(seen["now"] - real_now()).total_seconds() < 5
    assert timezone.now is real_now  # put back once the last user is done
    assert timezone.now() != MOMENT
