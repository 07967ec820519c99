"""`make run` is the whole product: one command starts the web server, the
task worker and the deadline workers (the Procfile, under honcho), a case
action's notification reaches the other party through the real task worker,
and one Ctrl-C stops every process.

The test runs `make run` itself against a temporary SQLite file and a free
port, with the demo seeded without cases (`SEED_ARGS=--cases 0`: the accounts
and their fresh orders). `-o install` skips the virtualenv step (`make test`
has just done it) and `BIN` points make at the interpreter running the tests.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-pass-2026"

pytestmark = [
    pytest.mark.skipif(shutil.which("make") is None, reason="needs make"),
    pytest.mark.skipif(
        not Path("/proc/self/stat").exists(), reason="reads process sessions in /proc"
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"

    def call(self, method: str, path: str, token: str = "", body=None, **headers):
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json",
                     **({"Authorization": f"Token {token}"} if token else {}),
                     **headers},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def token(self, username: str) -> str:
        status, body = self.call(
            "POST", "/api/v1/auth/token/", body={"username": username,
                                                 "password": PASSWORD}
        )  # fmt: skip
        assert status == 200, body
        return body["token"]

    def up(self) -> bool:
        try:
            urllib.request.urlopen(self.base + "/accounts/login/", timeout=2).close()
        except OSError:
            return False
        return True


def sessions_alive(session_ids: set[int]) -> list[str]:
    """The processes still running in any of these sessions (Linux /proc)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # pid (comm) state ppid pgrp session …; comm may hold spaces
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[3]) in session_ids:
            alive.append(f"{entry.name} {stat[: stat.rindex(')') + 1]}")
    return alive


def test_make_run_serves_and_delivers_notifications_then_stops_on_ctrl_c(tmp_path):
    port = free_port()
    # As from a shell: not the test settings, nor the flags of the `make test`
    # that may be running this.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_REPLICA_URL", "CACHE_URL",
                     "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
    }  # fmt: skip
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'run.sqlite3'}"
    log_path = tmp_path / "make-run.log"
    log = log_path.open("w")
    make = subprocess.Popen(
        ["make", "-o", "install", "run", f"BIN={Path(sys.executable).parent}",
         f"PORT={port}", "SEED_ARGS=--cases 0"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # make and honcho: the terminal's foreground group
    )  # fmt: skip
    site = Site(port)
    sessions: set[int] = set()

    def output() -> str:
        return log_path.read_text(errors="replace")

    try:
        deadline = time.monotonic() + 60
        while not site.up():
            assert make.poll() is None, f"make run exited:\n{output()}"
            assert time.monotonic() < deadline, f"no server after 60 s:\n{output()}"
            time.sleep(0.25)
        started = dict(re.findall(r"(\w+)\.1 started \(pid=(\d+)\)", output()))
        processes = {"web", "tasks", "deadlines", "requeue", "schedules"}
        assert set(started) == processes, output()
        sessions = {int(pid) for pid in started.values()}  # honcho: one session each

        buyer, merchant = site.token("buyer1"), site.token("merchant1")
        # The demo's goods showcase has told merchant1 of its cases already:
        # only the new case's notification counts below.
        _, mine = site.call("GET", "/api/v1/orders/?status=delivered", buyer)
        _, stores = site.call("GET", "/api/v1/orders/", merchant)
        theirs = {order["number"] for order in stores["results"]}
        # The first of buyer1's delivered orders at merchant1's stores that has
        # no open case (the showcase's orders have one: 409).
        for order in (o for o in mine["results"] if o["number"] in theirs):
            status, case = site.call(
                "POST", "/api/v1/disputes/", buyer,
                body={"order": order["number"], "reason": "quality",
                      "remedy": "refund_only", "amount": "1.00",
                      "description": "衣服有破洞"},
                **{"Idempotency-Key": str(uuid.uuid4())},
            )  # fmt: skip
            if status != 409:
                break
        assert status == 201, case
        opened = time.monotonic()

        # The fan-out is a task in the queue: only the task worker writes it.
        while True:
            _, page = site.call("GET", "/api/v1/notifications/?unread=true", merchant)
            notes = [n for n in page["results"] if n["case"] == case["number"]]
            if notes:
                break
            assert time.monotonic() - opened < 30, f"no notification:\n{output()}"
            time.sleep(0.25)
        waited = time.monotonic() - opened
        (note,) = notes
        assert [note["case"], note["kind"], note["unread"]] == [
            case["number"],
            "open",
            True,
        ]
        assert waited < 10, f"the notification took {waited:.1f} s"

        # Ctrl-C: the terminal sends SIGINT to the foreground process group.
        os.killpg(make.pid, signal.SIGINT)
        make.wait(timeout=20)
        assert "SIGINT received" in output()
        deadline = time.monotonic() + 10
        while sessions_alive(sessions):
            assert time.monotonic() < deadline, sessions_alive(sessions)
            time.sleep(0.2)
        assert not site.up()
    finally:
        for group in {make.pid, *sessions}:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        make.wait(timeout=10)
        log.close()
