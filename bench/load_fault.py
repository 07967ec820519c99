"""Load and fault check: 50 simulated users on gunicorn + PostgreSQL while a
thread terminates random database connections; then verify the data.

    .venv/bin/python bench/load_fault.py                  # 50 users, 60 s
    .venv/bin/python bench/load_fault.py --users 20 --seconds 30

It (re)creates its own database `security_load` on PG_ADMIN_URL (default the
local server), migrates it, seeds buyers, merchants and delivered orders,
serves it with gunicorn on 127.0.0.1 only, and runs locust headless against
the API (token auth) for a bounded time. Every write carries an
`Idempotency-Key`; a request that fails with a 5xx or a dropped connection is
retried with the same key (at most 3 times), as a careful client would.

Printed: requests, failed attempts (5xx or connection errors) and how many
were recovered by a retry, unrecovered errors, connections killed, p50/p95;
then the checks: refunds never above an order's total, every case's timeline
consistent with its state, at most one open case per order, no idempotency
key left without its response. Exits 1 when a check fails. Not part of the
test suite. This file is also the locustfile (the User classes below).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from locust import HttpUser, between, events, task

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get(
    "PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
DB_NAME = "security_load"
DB_URL = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{DB_NAME}"
PORT = int(os.environ.get("LOAD_PORT", "8765"))
RETRIES = 3

# --- The simulated users (run inside locust) --------------------------------

COUNTS = {"attempts": 0, "failed_attempts": 0, "recovered": 0, "unrecovered": 0}
_LOCK = threading.Lock()
_POOL = json.loads(os.environ.get("LOAD_TOKENS", '{"buyer": [], "merchant": []}'))
_NEXT = {"buyer": 0, "merchant": 0}


def _count(name: str) -> None:
    with _LOCK:
        COUNTS[name] += 1


class ApiUser(HttpUser):
    abstract = True
    wait_time = between(0.2, 1.0)
    role = ""

    def on_start(self) -> None:
        with _LOCK:
            tokens = _POOL[self.role]
            self.token = tokens[_NEXT[self.role] % len(tokens)]
            _NEXT[self.role] += 1
        self.headers = {"Authorization": f"Token {self.token}"}

    def send(self, method: str, path: str, name: str, body: dict | None = None):
        """One logical request; retried with the same key after a failure."""
        headers = dict(self.headers)
        if method == "POST":
            headers["Idempotency-Key"] = str(uuid.uuid4())
        failed = False
        for _attempt in range(RETRIES + 1):
            _count("attempts")
            with self.client.request(
                method,
                path,
                json=body,
                headers=headers,
                name=name,
                catch_response=True,
            ) as response:
                if response.status_code == 0 or response.status_code >= 500:
                    response.failure(f"{response.status_code}")
                    _count("failed_attempts")
                    failed = True
                    time.sleep(0.2)
                    continue
                response.success()  # 4xx are answers (409: someone was first)
                if failed:
                    _count("recovered")
                return response
        _count("unrecovered")
        return None

    def cases(self, query: str = "") -> list[dict]:
        response = self.send("GET", f"/api/v1/disputes/{query}", "list cases")
        if response is None or response.status_code != 200:
            return []
        return response.json().get("results", [])


class Buyer(ApiUser):
    role = "buyer"
    weight = 3

    @task(3)
    def read(self) -> None:
        self.send("GET", "/api/v1/orders/", "list orders")
        for case in self.cases()[:2]:
            self.send("GET", f"/api/v1/disputes/{case['number']}/", "case")

    @task(2)
    def open_case(self) -> None:
        response = self.send("GET", "/api/v1/orders/?page_size=50", "list orders")
        if response is None or response.status_code != 200:
            return
        orders = response.json().get("results", [])
        if orders:
            order = random.choice(orders)
            body = {
                "order": order["number"],
                "reason": "quality",
                "remedy": "refund_only",
                "amount": "20.00",
                "description": "load test",
            }
            self.send("POST", "/api/v1/disputes/", "open case", body)

    @task(2)
    def talk_or_settle(self) -> None:
        for case in self.cases("?state=negotiation")[:1]:
            number = case["number"]
            actions = case.get("available_actions", [])
            if "accept_offer" in actions:
                self.send(
                    "POST",
                    f"/api/v1/disputes/{number}/actions/accept_offer/",
                    "action",
                    {},
                )
            elif "request_intervention" in actions and random.random() < 0.3:
                self.send(
                    "POST",
                    f"/api/v1/disputes/{number}/actions/request_intervention/",
                    "action",
                    {"note": "load"},
                )
            else:
                self.send(
                    "POST",
                    f"/api/v1/disputes/{number}/messages/",
                    "message",
                    {"body": "还在等商家回复"},
                )


class Merchant(ApiUser):
    role = "merchant"
    weight = 1

    @task
    def respond(self) -> None:
        for case in self.cases("?state=negotiation")[:3]:
            number = case["number"]
            if "accept" not in case.get("available_actions", []):
                continue
            choice = random.random()
            path = f"/api/v1/disputes/{number}/actions/"
            if choice < 0.4:
                self.send("POST", path + "accept/", "action", {})
            elif choice < 0.7:
                self.send(
                    "POST",
                    path + "offer/",
                    "action",
                    {"amount": "10.00", "note": "部分退款"},
                )
            else:
                self.send("POST", path + "reject/", "action", {"reason": "无质量问题"})


@events.quitting.add_listener
def _write_counts(environment, **kwargs) -> None:
    out = os.environ.get("LOAD_COUNTS")
    if out:
        total = environment.stats.total
        figures = {
            **COUNTS,
            "requests": total.num_requests,
            "p50_ms": total.get_response_time_percentile(0.5),
            "p95_ms": total.get_response_time_percentile(0.95),
            "rps": round(total.total_rps, 1),
        }
        Path(out).write_text(json.dumps(figures))


# --- The orchestration (run as a script) ------------------------------------


def setup_django() -> None:
    os.environ["DATABASE_URL"] = DB_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DB_NAME}"')


def seed(buyers: int, merchants: int, orders_each: int) -> dict[str, list[str]]:
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from tests import factories as f

    call_command("migrate", verbosity=0)
    stores = [f.StoreFactory(owner=f.merchant()) for _ in range(merchants)]
    people = [f.buyer() for _ in range(buyers)]
    for person in people:
        for i in range(orders_each):
            f.OrderFactory(buyer=person, store=stores[i % merchants])
    token = lambda user: Token.objects.create(user=user).key  # noqa: E731
    return {
        "buyer": [token(p) for p in people],
        "merchant": [token(s.owner) for s in stores],
    }


def killer(stop: threading.Event, every: float, kills: list[int]) -> None:
    """Terminate one random client connection of the load database per tick."""
    import psycopg

    with psycopg.connect(DB_URL, autocommit=True) as conn:
        while not stop.wait(every):
            row = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend' ORDER BY random() LIMIT 1",
                [DB_NAME],
            ).fetchone()
            if row and row[0]:
                kills.append(1)


def serve(env: dict[str, str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "config.wsgi"]
    command += ["--bind", f"127.0.0.1:{PORT}", "--workers", "4", "--timeout", "30"]
    command += ["--graceful-timeout", "5", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    import urllib.request

    for _ in range(60):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/schema/", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("gunicorn did not start")


def run_locust(env: dict[str, str], users: int, seconds: int) -> None:
    command = [sys.executable, "-m", "locust", "-f", str(Path(__file__))]
    command += ["--headless", "--users", str(users)]
    command += ["--spawn-rate", str(max(1, users // 5)), "--run-time", f"{seconds}s"]
    command += ["--host", f"http://127.0.0.1:{PORT}", "--only-summary"]
    command += ["--loglevel", "WARNING", "--stop-timeout", "10"]
    subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        timeout=seconds + 120,
        check=False,
    )


def verify() -> list[str]:
    """The data after the storm: every invariant, as a list of violations."""
    from django.db.models import Count, F, Q, Sum

    from core.models import IdempotencyRecord
    from disputes.models import Dispute
    from orders.models import Order, RefundKind

    problems = []
    orders = Order.objects.annotate(
        refunds_sum=Sum(
            "refunds__amount",
            filter=Q(refunds__kind=RefundKind.REFUND),
            default=0,
        )
    )
    over = orders.filter(refunds_sum__gt=F("total"))
    problems += [f"order {o.number}: refunds above total" for o in over]
    drift = orders.exclude(refunded_amount=F("refunds_sum"))
    problems += [f"order {o.number}: refunded_amount != refunds" for o in drift]
    doubled = (
        Dispute.objects.exclude(state="closed")
        .values("order")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    problems += [f"order id {d['order']}: {d['n']} open cases" for d in doubled]
    for case in Dispute.objects.prefetch_related("events"):
        state = None
        for event in sorted(case.events.all(), key=lambda e: (e.created_at, e.pk)):
            if event.from_state and state and event.from_state != state:
                problems.append(
                    f"case {case.number}: {event.action} from "
                    f"{event.from_state} after {state}"
                )
            state = event.to_state or state
        if state != case.state:
            problems.append(
                f"case {case.number}: timeline ends in {state}, case is {case.state}"
            )
    stuck = IdempotencyRecord.objects.filter(Q(status_code__isnull=True)).count()
    if stuck:
        problems.append(f"{stuck} idempotency keys without a response")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--kill-every", type=float, default=1.0)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()

    fresh_database()
    setup_django()
    started = time.monotonic()
    tokens = seed(buyers=max(10, args.users), merchants=10, orders_each=10)
    print(f"seeded in {time.monotonic() - started:.1f} s")
    counts = Path(tempfile.mkstemp(suffix=".json")[1])
    env = {
        **os.environ,
        "DATABASE_URL": DB_URL,
        "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "load-fault-" + uuid.uuid4().hex,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "API_RATE_DISPUTE_OPEN": "100000/hour",
        "API_RATE_MESSAGE": "100000/hour",
        "API_RATE_ACTION": "100000/hour",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOAD_TOKENS": json.dumps(tokens),
        "LOAD_COUNTS": str(counts),
        "PYTHONPATH": str(ROOT),
    }
    server = serve(env)
    stop, kills = threading.Event(), []
    chaos = threading.Thread(target=killer, args=(stop, args.kill_every, kills))
    chaos.start()
    try:
        run_locust(env, args.users, args.seconds)
    finally:
        stop.set()
        chaos.join()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    figures = json.loads(counts.read_text() or "{}")
    counts.unlink()
    print(json.dumps({**figures, "connections_killed": len(kills)}, indent=2))
    from django.db import connection

    connection.close()
    problems = verify()
    from disputes.models import Dispute
    from orders.models import Refund

    print(f"cases: {Dispute.objects.count()}, refunds: {Refund.objects.count()}")
    print(
        "data checks:",
        "all consistent" if not problems else f"{len(problems)} problems",
    )
    for problem in problems[:20]:
        print("  ", problem)
    connection.close()
    if not args.keep:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    sys.exit(1 if problems or figures.get("unrecovered") else 0)


if __name__ == "__main__":
    main()
