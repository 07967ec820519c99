"""Tasks the queue tests run (module level, so that a worker can import them)."""

import os
from pathlib import Path

from core.tasks import retrying_task

CALLS: list[tuple[str, int]] = []


@retrying_task(max_attempts=3, backoff_seconds=60)
def flaky(label: str, fail_times: int) -> str:
    """Fail the first `fail_times` runs of this label, then succeed."""
    CALLS.append((label, len(CALLS)))
    if sum(1 for seen, _ in CALLS if seen == label) <= fail_times:
        raise RuntimeError(f"{label} failed")
    return label


@retrying_task(max_attempts=1)
def append_line(path: str, line: str) -> None:
    """Append one line to a file (O_APPEND: whole lines even from two processes)."""
    with Path(path).open("a") as out:
        out.write(line + "\n")


@retrying_task(max_attempts=1)
def sleep_then_append(path: str, line: str, seconds: float) -> None:
    """Say it started (for a test that kills the worker), wait, then append."""
    Path(path + ".started").write_text(str(os.getpid()))
    import time

    time.sleep(seconds)
    with Path(path).open("a") as out:
        out.write(line + "\n")
