"""Build bulk chunks in several processes; one connection writes them all.

The demo is written in one transaction, and a transaction has one
connection: the workers (forked, so they share the world and the writer's
tables) build chunks with chunk-local ids and encode them for `COPY`; this
process hands out the ids in chunk order and passes the bytes on. It does
no Python work per row, so the building runs on every core while
PostgreSQL takes the rows in.

Per chunk a worker sends the ids it used, gets the first id of each table
back, and sends the encoded rows. Workers never touch the connection they
inherit (it belongs to this process's transaction).
"""

from __future__ import annotations

import gc
import multiprocessing
import queue
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection

from core.bulkrows import Batch, RowWriter

# Chunks built ahead of the one being written, per worker (memory stays flat).
AHEAD = 2


def build_in_processes(
    writer: RowWriter,
    build: Callable[[int], Batch],
    chunks: int,
    jobs: int,
    done: Callable[[int], None],
) -> None:
    """Build chunks 0 .. chunks-1 in `jobs` processes and write them in order.

    `done(k)` is called once chunk `k` is written.
    """
    context = multiprocessing.get_context("fork")
    # What exists now is shared with the workers and never garbage: the
    # collector need not scan it there (nor copy its pages by touching it).
    gc.freeze()
    inbox: queue.Queue = queue.Queue()
    inboxes, outboxes, processes = [], [], []
    for worker in range(jobs):
        from_worker, to_main = context.Pipe(duplex=False)
        from_main, to_worker = context.Pipe(duplex=False)
        process = context.Process(
            target=_work,
            args=(writer, build, range(worker, chunks, jobs), from_main, to_main),
            daemon=True,
        )
        process.start()
        to_main.close()
        from_main.close()
        inboxes.append(from_worker)
        outboxes.append(to_worker)
        processes.append(process)
    # Threads only once every worker is forked: a fork while threads run may
    # copy a lock one of them holds.
    for from_worker in inboxes:
        threading.Thread(
            target=_receive, args=(from_worker, inbox), daemon=True
        ).start()
    try:
        _write_in_order(writer, chunks, jobs, inbox, outboxes, done)
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
            process.join()
        gc.unfreeze()


def _write_in_order(writer, chunks, jobs, inbox, outboxes, done) -> None:
    labels = {model._meta.label: model for model in writer.tables}
    used: dict[int, dict] = {}
    data: dict[int, list] = {}
    placed = written = 0
    while written < chunks:
        kind, chunk, payload = inbox.get()
        if kind == "error":
            raise RuntimeError(f"a demo builder failed:\n{payload}")
        if kind == "end":
            continue
        (used if kind == "ids" else data)[chunk] = payload
        while written in data:
            encoded = data.pop(written)
            writer.write(
                [(writer.tables[labels[n]], rows, b) for n, rows, b in encoded]
            )
            done(written)
            written += 1
        # Ids go in chunk order, and only a few chunks ahead of the writing.
        while placed in used and placed < written + AHEAD * jobs:
            ids = {labels[label]: n for label, n in used.pop(placed).items()}
            bases = writer.reserve(ids)
            outboxes[placed % jobs].send({m._meta.label: b for m, b in bases.items()})
            placed += 1


def _receive(connection: Connection, inbox: queue.Queue) -> None:
    """Pass a worker's messages on; a worker gone without "end" is an error."""
    message = None
    try:
        while True:
            message = connection.recv()
            inbox.put(message)
    except EOFError:
        if not message or message[0] not in ("end", "error"):
            inbox.put(("error", -1, "a builder process ended unexpectedly"))


def _work(writer, build, chunks, from_main: Connection, to_main: Connection) -> None:
    """A worker: build each of `chunks`, get its ids placed, send it encoded."""
    labels = {model._meta.label: model for model in writer.tables}
    chunk = -1
    try:
        for chunk in chunks:
            batch = build(chunk)
            to_main.send(
                ("ids", chunk, {m._meta.label: n for m, n in batch.ids.items()})
            )
            bases = {labels[label]: first for label, first in from_main.recv().items()}
            encoded = writer.encode(writer.place(batch, bases))
            to_main.send(
                ("data", chunk, [(t.model._meta.label, n, b) for t, n, b in encoded])
            )
        to_main.send(("end", chunk, None))
    except BaseException:
        to_main.send(("error", chunk, traceback.format_exc()))
    finally:
        to_main.close()
