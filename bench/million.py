"""Every page and endpoint at scale: latency, queries, index use, throughput.

    .venv/bin/python bench/million.py                  # the `million` database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf \\
        .venv/bin/python bench/million.py --cases 200000 --duration 15
    make bench                                         # the same, with Redis

It creates the database when missing, migrates it (new indexes land here),
seeds `--cases` cases when it has none, then prints one table: each workbench
page, portal page, API list and detail, report page and report API call with
its median and 95th-percentile time over single requests (in process, the
production settings), its number of queries, its slowest query and any
sequential scan of a large table in the plans of its queries (EXPLAIN).
Then it starts gunicorn (gunicorn.conf.py) and drives the busiest endpoints
with `wrk` (or locust when wrk is missing) and prints requests/s, p50, p95.
It exits 1 when a target of issue 12 (throughput) or issue 8 (report and
case-page times) is missed, 2 when a page answers an error.

Add a page: append an Endpoint to PAGES (the path may use the {names} that
`fixtures()` finds). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/million"
PY = sys.executable

# --------------------------------------------------------------------------
# What is measured


@dataclass
class Endpoint:
    name: str
    user: str  # a demo account
    path: str  # may use the {names} of fixtures()
    group: str = "workbench"
    load: bool = False  # also driven under load
    optional: bool = False  # may not exist yet (404): shown, not an error
    scan_ok: bool = False  # a sequential scan is expected (reports)


YEAR = "date_from={year_from}&date_to={today}"
PERIODS = ("day", "week", "month")
DIMENSIONS = ("store", "category", "region", "reason", "agent")
PERIODS_AND_DIMENSIONS = (*PERIODS, *DIMENSIONS)

WORKBENCH = [
    Endpoint("workbench home", "agent1", "/admin/"),
    Endpoint("case list", "agent1", "/admin/disputes/dispute/", load=True),
    Endpoint("  waiting for pick-up", "agent1",
             "/admin/disputes/dispute/?state=complaint&assigned=unassigned"),
    Endpoint("  my open cases", "agent1",
             "/admin/disputes/dispute/?state=open&assigned=me"),
    Endpoint("  overdue", "agent1", "/admin/disputes/dispute/?due=overdue"),
    Endpoint("  due soon, mine", "agent1",
             "/admin/disputes/dispute/?due=soon&assigned=me"),
    Endpoint("  appeals", "agent1", "/admin/disputes/dispute/?state=appeal"),
    Endpoint("  closed", "agent1", "/admin/disputes/dispute/?state=closed"),
    Endpoint("  by category", "agent1",
             "/admin/disputes/dispute/?store__category__id__exact={category_id}"),
    Endpoint("  by region", "agent1", "/admin/disputes/dispute/?region={region}"),
    Endpoint("  by reason", "agent1", "/admin/disputes/dispute/?reason=quality"),
    Endpoint("  opened in a week", "agent1",
             "/admin/disputes/dispute/?opened_from={week_from}&opened_to={today}"),
    Endpoint("  sorted by age", "agent1", "/admin/disputes/dispute/?o=-11"),
    Endpoint("  sorted by number", "agent1", "/admin/disputes/dispute/?o=1"),
    Endpoint("  search case number", "agent1",
             "/admin/disputes/dispute/?q={case_number}"),
    Endpoint("  search order number", "agent1",
             "/admin/disputes/dispute/?q={order_number}"),
    Endpoint("  search store name", "agent1",
             "/admin/disputes/dispute/?q={store_name}"),
    Endpoint("  search buyer", "agent1", "/admin/disputes/dispute/?q=buyer1"),
    Endpoint("case page (largest store)", "agent1",
             "/admin/disputes/dispute/{big_case_pk}/change/"),
    # issue 25: the buyer's 90 days were counted from the case table (276 ms
    # for a buyer with 39,742 cases); now from reports.BuyerDay.
    Endpoint("case page (heaviest buyer)", "agent1",
             "/admin/disputes/dispute/{heavy_buyer_case_pk}/change/"),
    # issue 25: the pages added since the last run at 1M.
    Endpoint("case page (returning goods)", "agent1",
             "/admin/disputes/dispute/{returning_pk}/change/"),
    Endpoint("ruling form (precedents)", "supervisor1",
             "/admin/disputes/dispute/{rule_case_pk}/act/rule/"),
    Endpoint("order list", "agent1", "/admin/orders/order/"),
    Endpoint("  by status", "agent1", "/admin/orders/order/?status=delivered"),
    Endpoint("  search", "agent1", "/admin/orders/order/?q={order_number}"),
    Endpoint("order page", "agent1", "/admin/orders/order/{order_pk}/change/"),
    Endpoint("refund list", "agent1", "/admin/orders/refund/"),
    Endpoint("store list", "agent1", "/admin/stores/store/"),
    Endpoint("ruling list", "agent1", "/admin/disputes/ruling/"),
    Endpoint("appeal list", "agent1", "/admin/disputes/appeal/"),
    Endpoint("user list", "supervisor1", "/admin/accounts/user/"),
]  # fmt: skip

PORTAL = [
    Endpoint("buyer's cases", "buyer1", "/disputes/", "portal"),
    Endpoint("buyer's case page", "buyer1", "/disputes/{buyer_case}/", "portal"),
    Endpoint("buyer's orders", "buyer1", "/orders/", "portal"),
    Endpoint("merchant's cases", "merchant1", "/disputes/", "portal"),
    Endpoint("merchant's case page", "merchant1",
             "/disputes/{merchant_case}/", "portal"),
    Endpoint("rules", "buyer1", "/disputes/rules/", "portal"),
    Endpoint("notifications", "buyer1", "/notifications/", "portal", optional=True),
]  # fmt: skip

API = [
    Endpoint("GET disputes/", "agent1", "/api/v1/disputes/", "api", load=True),
    Endpoint("  ?state=complaint", "agent1",
             "/api/v1/disputes/?state=complaint", "api"),
    Endpoint("  ?state=appeal", "agent1", "/api/v1/disputes/?state=appeal", "api"),
    Endpoint("  ?reason=quality", "agent1",
             "/api/v1/disputes/?reason=quality", "api"),
    Endpoint("  ?store=", "agent1", "/api/v1/disputes/?store={store_id}", "api"),
    Endpoint("  ?assigned_to=", "agent1",
             "/api/v1/disputes/?assigned_to=agent1", "api"),
    Endpoint("  ?opened_after=", "agent1",
             "/api/v1/disputes/?opened_after={week_from}T00:00:00Z", "api"),
    Endpoint("  ?page_size=100", "agent1",
             "/api/v1/disputes/?page_size=100", "api"),
    Endpoint("  as merchant", "merchant1", "/api/v1/disputes/", "api"),
    Endpoint("  as buyer", "buyer1", "/api/v1/disputes/", "api"),
    Endpoint("GET disputes/{n}/", "agent1",
             "/api/v1/disputes/{case_number}/", "api", load=True),
    Endpoint("  messages/", "agent1",
             "/api/v1/disputes/{case_number}/messages/", "api"),
    Endpoint("  timeline/", "agent1",
             "/api/v1/disputes/{case_number}/timeline/", "api"),
    Endpoint("  evidence/", "agent1",
             "/api/v1/disputes/{case_number}/evidence/", "api"),
    Endpoint("GET disputes/{n}/ returning", "agent1",
             "/api/v1/disputes/{returning_number}/", "api"),
    Endpoint("GET disputes/{n}/precedents/", "agent1",
             "/api/v1/disputes/{precedent_number}/precedents/", "api"),
    Endpoint("GET policy/?category=&region=", "buyer1",
             "/api/v1/policy/?category={category_code}&region={region}", "api"),
    Endpoint("GET stores/{id}/health/", "manager1",
             "/api/v1/stores/{health_store_id}/health/", "api"),
    Endpoint("GET orders/", "agent1", "/api/v1/orders/", "api"),
    Endpoint("GET orders/{n}/", "agent1", "/api/v1/orders/{order_number}/", "api"),
    Endpoint("GET rules/", "buyer1", "/api/v1/rules/", "api"),
    Endpoint("GET notifications/", "buyer1", "/api/v1/notifications/", "api",
             optional=True),
]  # fmt: skip

# Report pages and calls: new report pages appear under /reports/...
REPORT_PAGES = [
    Endpoint("/reports/", "manager1", "/reports/", "report page", scan_ok=True),
    Endpoint("/reports/ a year by month", "manager1",
             "/reports/?group_by=month&" + YEAR, "report page", scan_ok=True),
    Endpoint("/reports/ a year by store", "manager1",
             "/reports/?group_by=store&" + YEAR, "report page", scan_ok=True),
    Endpoint("/reports/store/", "merchant1", "/reports/store/", "report page",
             optional=True, scan_ok=True),
    Endpoint("/reports/store/health/", "merchant1", "/reports/store/health/",
             "report page"),
    Endpoint("/reports/stores/ (health overview)", "manager1", "/reports/stores/",
             "report page"),
]  # fmt: skip
REPORT_API = [
    *(
        Endpoint(f"intervention by {g}", "manager1",
                 f"/api/v1/reports/intervention/?group_by={g}&" + YEAR,
                 "report api", scan_ok=True)
        for g in PERIODS_AND_DIMENSIONS
    ),
    *(
        Endpoint(f"summary by {g}", "manager1",
                 f"/api/v1/reports/summary/?group_by={g}&" + YEAR,
                 "report api", optional=True, scan_ok=True)
        for g in PERIODS_AND_DIMENSIONS
    ),
]  # fmt: skip

PAGES = [*WORKBENCH, *PORTAL, *API, *REPORT_PAGES, *REPORT_API]


@dataclass
class Target:
    what: str  # shown in the verdict
    endpoint: str  # Endpoint.path template (unique) or a group name
    metric: str  # p50, p95 (single requests), rps, load_p95 (under load)
    limit: float
    source: str

    def met(self, value: float) -> bool:
        return value >= self.limit if self.metric == "rps" else value <= self.limit


TARGETS = [
    Target("workbench case list throughput", "/admin/disputes/dispute/", "rps",
           100, "issue 12"),
    Target("workbench case list p95 under load", "/admin/disputes/dispute/",
           "load_p95", 250, "issue 12"),
    Target("API case list throughput", "/api/v1/disputes/", "rps", 300,
           "issue 12"),
    Target("API case list p95 under load", "/api/v1/disputes/", "load_p95", 100,
           "issue 12"),
    Target("API case detail throughput", "/api/v1/disputes/{case_number}/", "rps",
           500, "issue 12"),
    Target("API list ?state=complaint", "/api/v1/disputes/?state=complaint", "p50",
           30, "issue 12"),
    Target("every report API call over a year", "report api", "p50", 100,
           "issue 8"),
    Target("every report page", "report page", "p50", 300, "issue 8"),
    Target("agents' case page, largest store",
           "/admin/disputes/dispute/{big_case_pk}/change/", "p50", 100, "issue 8"),
    Target("agents' case page, heaviest buyer",
           "/admin/disputes/dispute/{heavy_buyer_case_pk}/change/", "p50", 100,
           "issue 25"),
    Target("store health page", "/reports/store/health/", "p50", 100,
           "issue 23/25"),
    Target("ruling form with precedents",
           "/admin/disputes/dispute/{rule_case_pk}/act/rule/", "p50", 100,
           "issue 25"),
    Target("every page and API call (but reports)", "workbench", "p50", 100,
           "issue 25"),
    Target("every portal page", "portal", "p50", 100, "issue 25"),
    Target("every API call", "api", "p50", 100, "issue 25"),
]  # fmt: skip

# --------------------------------------------------------------------------
# Setup: database, environment, fixtures


def bench_env(args) -> dict[str, str]:
    """The production settings, on loopback, without the TLS redirect."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench-" + "x" * 50),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    )
    # Keep each gunicorn worker's connection, as docs/deploy.md runs it (the
    # default 0 opens a PostgreSQL backend per request: a fork and a cold
    # catalog cache for every request under load).
    env.setdefault("DATABASE_CONN_MAX_AGE", "60")
    return env


def prepare_database(args, env: dict[str, str]) -> None:
    import psycopg

    url = args.database_url.replace("postgres://", "postgresql://", 1)
    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            say(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')
    manage(env, "migrate", "--noinput", "-v0")
    if static_is_stale():
        manage(env, "collectstatic", "--noinput", "-v0")
    with psycopg.connect(url) as conn:
        cases = conn.execute("SELECT count(*) FROM disputes_dispute").fetchone()[0]
    if cases == 0:
        say(f"seeding {args.cases:,} cases (seed_demo --cases {args.cases})")
        manage(env, "seed_demo", "--cases", str(args.cases), "--force")
    with psycopg.connect(url, autocommit=True) as conn:
        vacuumed = conn.execute(
            "SELECT coalesce(last_vacuum, last_autovacuum) FROM pg_stat_user_tables "
            "WHERE relname = 'disputes_dispute'"
        ).fetchone()[0]
        if vacuumed is None:  # a fresh load: set hint bits and the visibility map
            say("VACUUM ANALYZE (once after loading)")
            conn.execute("VACUUM ANALYZE")
        else:
            conn.execute("ANALYZE")  # fresh statistics for the planner


def static_is_stale() -> bool:
    """True when collectstatic has not run since a static file changed."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    newest = max(p.stat().st_mtime for p in (ROOT / "static").rglob("*"))
    return newest > manifest.stat().st_mtime


def manage(env: dict[str, str], *argv: str) -> None:
    subprocess.run([PY, "manage.py", *argv], cwd=ROOT, env=env, check=True)


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fixtures() -> dict[str, object]:
    """The demo accounts and the cases, orders and stores the paths name."""
    from django.db.models import Count

    from disputes.models import Dispute
    from orders.models import Order
    from stores.models import Category, Store

    biggest = (
        Dispute.objects.values("store_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    store = Store.objects.get(pk=biggest["store_id"])
    open_states = ["complaint", "verification", "mediation", "appeal", "ruled"]
    big_case = (
        Dispute.objects.filter(store=store, state__in=open_states).first()
        or Dispute.objects.filter(store=store).first()
    )
    heavy = (
        Dispute.objects.values("buyer_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    heavy_case = (
        Dispute.objects.filter(buyer_id=heavy["buyer_id"])
        .order_by("-opened_at")
        .first()
    )
    case = Dispute.objects.filter(state="mediation").first() or big_case
    buyer_case = Dispute.objects.filter(buyer__username="buyer1").first()
    merchant_case = Dispute.objects.filter(store__owner__username="merchant1").first()
    order = Order.objects.filter(disputes__isnull=False).first()
    today = date.today()
    returning = Dispute.objects.filter(state="returning").order_by("-pk").first()
    rule_case = _rule_case(open_states)
    precedent_case = _precedent_case(rule_case or case)
    health_store = _health_store(store)
    return {
        "today": today.isoformat(),
        "year_from": (today - timedelta(days=365)).isoformat(),
        "week_from": (today - timedelta(days=7)).isoformat(),
        "case_number": case.number,
        "case_pk": case.pk,
        "big_case_pk": big_case.pk,
        "big_store_cases": biggest["n"],
        "heavy_buyer_case_pk": heavy_case.pk,
        "heavy_buyer_cases": heavy["n"],
        "buyer_case": buyer_case.number if buyer_case else case.number,
        "merchant_case": merchant_case.number if merchant_case else case.number,
        "order_number": order.number,
        "order_pk": order.pk,
        "store_id": store.pk,
        "store_name": quote(store.name),
        "region": quote(store.region),
        "category_id": Category.objects.order_by("pk").first().pk,
        "category_code": quote(store.category.code),
        # issue 25's new pages; None (the page is shown as absent) when the
        # database has no such case or store.
        "returning_pk": returning.pk if returning else None,
        "returning_number": returning.number if returning else None,
        "rule_case_pk": rule_case.pk if rule_case else None,
        "precedent_number": precedent_case.number if precedent_case else None,
        "health_store_id": health_store,
    }


def _rule_case(states: list[str]):
    """A case supervisor1 may rule on now (the ruling form with precedents)."""
    from accounts.models import User
    from disputes.action_names import ActionName
    from disputes.models import Dispute
    from disputes.services._core import refusal

    supervisor = User.objects.get(username="supervisor1")
    candidates = (
        Dispute.objects.filter(state__in=states)
        .exclude(description="")
        .order_by("-pk")[:200]
    )
    for candidate in candidates:
        if refusal(candidate, supervisor, ActionName.RULE) is None:
            return candidate
    return None


def _precedent_case(first):
    """`first` when it has precedents, else a recent open case that has."""
    from disputes.models import Dispute
    from disputes.precedents import precedents_for

    tried = [first] if first is not None else []
    tried += list(
        Dispute.objects.filter(ruled_at__isnull=True)
        .exclude(description="")
        .order_by("-pk")[:5]
    )
    for candidate in tried:
        if precedents_for(candidate).precedents:
            return candidate
    return None


def _health_store(largest) -> int | None:
    """The largest store when it has a health score, else any scored store."""
    from reports.models import StoreHealth

    scored = StoreHealth.objects.filter(store=largest).exists()
    if scored:
        return largest.pk
    return StoreHealth.objects.values_list("store_id", flat=True).first()


def sizes() -> dict[str, int]:
    """Estimated rows of every table with more than 1,000 (pg_class)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class "
            "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace "
            "AND reltuples > 1000 ORDER BY reltuples DESC"
        )
        return dict(cursor.fetchall())


# --------------------------------------------------------------------------
# Single requests in process


@dataclass
class Result:
    name: str
    group: str
    path: str
    template: str
    status: int = 0
    queries: int = 0
    p50: float = 0.0
    p95: float = 0.0
    cpu50: float = 0.0  # CPU time of this process (not the database's)
    slowest_query_ms: float = 0.0
    filtered: int = 0  # rows the slowest query read and threw away
    seq_scans: list[str] = field(default_factory=list)
    plan: str = ""
    skipped: str = ""
    rps: float | None = None
    load_p50: float | None = None
    load_p95: float | None = None
    load_errors: int | None = None


_clients: dict[str, object] = {}


def client_for(username: str):
    from django.test import Client

    from accounts.models import User

    if username not in _clients:
        client = Client()
        user = User.objects.get(username=username)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        api_token(user)
        _clients[username] = client
    return _clients[username]


def api_token(user) -> str:
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def measure(page: Endpoint, context: dict, args, big_tables: set[str]) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    absent = [n for n in re.findall(r"{(\w+)}", page.path) if context.get(n) is None]
    if absent:
        result = Result(page.name, page.group, page.path, page.path)
        result.skipped = "absent: no " + ", ".join(absent) + " in this database"
        return result
    path = page.path.format(**context)
    result = Result(page.name, page.group, path, page.path)
    client = client_for(page.user)
    first = client.get(path)  # warm the caches of this process
    result.status = first.status_code
    if first.status_code != 200:
        result.skipped = f"HTTP {first.status_code}"
        return result
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    result.queries = len(ctx.captured_queries)
    slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]), default=None)
    if slowest is not None:
        result.slowest_query_ms = float(slowest["time"]) * 1000
        if not page.scan_ok and slowest["sql"].lstrip().startswith("SELECT"):
            result.plan = analyze(slowest["sql"])
            result.filtered = sum(map(int, FILTERED.findall(result.plan)))
    result.seq_scans = seq_scans(ctx.captured_queries, big_tables)
    times: list[float] = []
    cpu: list[float] = []
    budget = time.perf_counter() + args.seconds_per_page
    while len(times) < args.repeat and (len(times) < 5 or time.perf_counter() < budget):
        started, cpu_started = time.perf_counter(), time.process_time()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    result.p50 = statistics.median(times)
    result.cpu50 = statistics.median(cpu)
    result.p95 = percentile(times, 95)
    return result


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


SEQ = re.compile(r"Seq Scan on (\w+)")
FILTERED = re.compile(r"Rows Removed by (?:Filter|Join Filter): (\d+)")


def analyze(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def seq_scans(captured: list[dict], big_tables: set[str]) -> list[str]:
    """Large tables that the plan of any SELECT reads in full."""
    from django.db import connection

    found: list[str] = []
    with connection.cursor() as cursor:
        for query in captured:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            for table in SEQ.findall(plan):
                if table in big_tables and table not in found:
                    found.append(table)
    return found


def profile(page: Endpoint, context: dict, args) -> None:
    """cProfile `--repeat` requests of one page; print the top functions."""
    import cProfile
    import pstats

    path = page.path.format(**context)
    client = client_for(page.user)
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.repeat):
        client.get(path)
    profiler.disable()
    print(f"== {page.name.strip()} {path} ({args.repeat} requests)")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs().sort_stats("cumulative").print_stats(35)


# --------------------------------------------------------------------------
# Under load: gunicorn + wrk (or locust)

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH p50=%.3f p95=%.3f errors=%d\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict[str, str], args) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    gunicorn = str(Path(PY).with_name("gunicorn"))
    proc = subprocess.Popen(
        [gunicorn, "-c", "gunicorn.conf.py", "config.wsgi:application"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        time.sleep(0.2)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, base
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("gunicorn did not start") from None
    raise SystemExit("gunicorn did not answer")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def headers_for(username: str, api: bool) -> dict[str, str]:
    from django.conf import settings

    from accounts.models import User

    if api:
        return {
            "Authorization": "Token " + api_token(User.objects.get(username=username))
        }
    client = client_for(username)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}


def drive(
    base: str, page: Endpoint, path: str, args
) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p95 ms, errors) for one endpoint under load."""
    headers = headers_for(page.user, page.group == "api")
    if shutil.which("wrk"):
        return drive_wrk(base + path, headers, args)
    return drive_locust(base, path, headers, args)


def drive_wrk(url: str, headers: dict, args) -> tuple[float, float, float, int]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = ["wrk", "-t2", f"-c{args.connections}", "--timeout", "10s"]
    command += ["-s", script.name]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    # Warm every worker first (imports, translations, the first connection).
    subprocess.run([*command, "-d5s", url], capture_output=True, check=True)
    command.append(f"-d{args.duration}s")
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    mark = re.search(r"BENCH p50=([\d.]+) p95=([\d.]+) errors=(\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(mark.group(3)) + (int(non2xx.group(1)) if non2xx else 0)
    return rps, float(mark.group(1)), float(mark.group(2)), errors


LOCUSTFILE = """
import json, os
from locust import FastHttpUser, constant, task

class Bench(FastHttpUser):
    wait_time = constant(0)

    @task
    def one(self):
        self.client.get(os.environ["BENCH_PATH"],
                        headers=json.loads(os.environ["BENCH_HEADERS"]))
"""


def drive_locust(base, path, headers, args) -> tuple[float, float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "locustfile.py").write_text(LOCUSTFILE)
        env = {**os.environ, "BENCH_PATH": path, "BENCH_HEADERS": json.dumps(headers)}
        locust = str(Path(PY).with_name("locust"))
        users = str(args.connections)
        options = ["--headless", "--only-summary", "-u", users, "-r", users]
        options += ["-t", f"{args.duration}s", "--csv", f"{tmp}/out"]
        subprocess.run(
            [locust, "-f", f"{tmp}/locustfile.py", "--host", base, *options],
            env=env,
            capture_output=True,
            check=False,
        )
        import csv

        with open(f"{tmp}/out_stats.csv") as f:
            row = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
    return (
        float(row["Requests/s"]),
        float(row["50%"]),
        float(row["95%"]),
        int(row["Failure Count"]),
    )


# --------------------------------------------------------------------------
# The table and the verdict


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def fmt(value: float | None, digits: int = 0) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def print_table(results: list[Result]) -> None:
    columns = (
        "p50 ms",
        "p95 ms",
        "cpu ms",
        "queries",
        "slowest q",
        "filtered",
        "rps",
        "load p50",
    )
    head = f"{'page':36} " + " ".join(f"{c:>8}" for c in columns)
    head += f" {'load p95':>8}  notes"
    group = None
    print(head)
    for r in results:
        if r.group != group:
            group = r.group
            print(f"-- {group} " + "-" * (len(head) - len(group) - 4))
        notes = []
        if r.skipped:
            notes.append(r.skipped)
        if r.seq_scans:
            notes.append("seq scan: " + ", ".join(r.seq_scans))
        if r.load_errors:
            notes.append(f"{r.load_errors} errors under load")
        if r.skipped:
            cells = [""] * 9
        else:
            cells = [
                fmt(r.p50, 1),
                fmt(r.p95, 1),
                fmt(r.cpu50, 1),
                str(r.queries),
                fmt(r.slowest_query_ms, 1),
                fmt(r.filtered),
                fmt(r.rps),
                fmt(r.load_p50, 1),
                fmt(r.load_p95, 1),
            ]
        row = f"{r.name:36} " + " ".join(f"{c:>8}" for c in cells)
        print(f"{row}  {'; '.join(notes)}")


def verdicts(results: list[Result], load_ran: bool) -> list[tuple[Target, str, bool]]:
    rows = []
    for target in TARGETS:
        worst = _worst(target, results, load_ran)
        if worst is None:
            continue
        unit = "rps" if target.metric == "rps" else "ms"
        op = "≥" if target.metric == "rps" else "≤"
        label = {"p50": "median", "p95": "p95", "rps": "", "load_p95": "p95"}[
            target.metric
        ]
        shown = f"{label} {worst:,.1f} {unit} (target {op} {target.limit:g})".strip()
        rows.append((target, shown, target.met(worst)))
    return rows


def _worst(target: Target, results: list[Result], load_ran: bool) -> float | None:
    """The worst figure of the target's pages, None when there is none to judge."""
    if target.metric in ("rps", "load_p95") and not load_ran:
        return None
    chosen = [r for r in results if target.endpoint in (r.template, r.group)]
    values = [getattr(r, target.metric) for r in chosen if not r.skipped]
    values = [value for value in values if value is not None]
    if not values:
        return None
    return min(values) if target.metric == "rps" else max(values)


def describe_machine() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores, {memory:.0f} GiB, {platform.python_version()}"
        f" Python, PostgreSQL {version}"
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument(
        "--cases",
        type=int,
        default=1_000_000,
        help="seed this many cases when the database has none",
    )
    parser.add_argument(
        "--repeat", type=int, default=15, help="single requests per page (at most)"
    )
    parser.add_argument(
        "--seconds-per-page",
        type=float,
        default=4.0,
        help="stop repeating a page after this long (≥ 5 requests)",
    )
    parser.add_argument("--duration", type=int, default=20, help="seconds per load run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="gunicorn workers (default: gunicorn.conf.py)",
    )
    parser.add_argument("--no-load", action="store_true", help="single requests only")
    parser.add_argument(
        "--only", default="", help="pages whose name or path has this (a|b: either)"
    )
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument(
        "--profile", action="store_true", help="profile the --only pages instead"
    )
    parser.add_argument(
        "--plans",
        action="store_true",
        help="print the plan of each page's slowest query",
    )
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/million.py needs PostgreSQL (DATABASE_URL)")
    return args


def print_header(args: argparse.Namespace, context: dict, tables: dict) -> None:
    print(f"# {describe_machine()}")
    print(
        f"# {args.database_url.rsplit('@', 1)[-1]}: "
        + ", ".join(f"{n} {rows:,}" for n, rows in list(tables.items())[:6])
    )
    print(
        f"# largest store: {context['big_store_cases']:,} cases; "
        f"≤ {args.repeat} single requests per page (in process, production "
        f"settings); load: {args.connections} connections × {args.duration} s"
    )
    print(f"# load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def run_load(
    pages: list[Endpoint], results: list[Result], env, args: argparse.Namespace
) -> bool:
    """Drive the load pages through gunicorn; whether a load run took place."""
    if args.no_load or not any(p.load for p in pages):
        return False
    server, base = start_gunicorn(env, args)
    try:
        for page, result in zip(pages, results, strict=True):
            if page.load and not result.skipped:
                say(f"  load: {page.name.strip()}")
                figures = drive(base, page, result.path, args)
                result.rps, result.load_p50, result.load_p95 = figures[:3]
                result.load_errors = figures[3]
    finally:
        stop(server)
    return True


def print_plans(results: list[Result]) -> None:
    for r in results:
        if r.plan:
            print(f"== {r.name.strip()} {r.path}\n{r.plan}\n")


def report(
    pages: list[Endpoint],
    results: list[Result],
    args: argparse.Namespace,
    load_ran: bool,
) -> int:
    """Print the table, the plans and the verdicts; the exit status."""
    print(f"# load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print_table(results)
    print()
    if args.plans:
        print_plans(results)
    failed = False
    for target, shown, ok in verdicts(results, load_ran):
        failed |= not ok
        print(f"{'ok  ' if ok else 'MISS'} {target.what}: {shown} [{target.source}]")
    broken = [
        r
        for r, p in zip(results, pages, strict=True)
        if r.skipped
        and not (p.optional and r.status == 404)
        and not r.skipped.startswith("absent")
    ]
    for r in broken:
        print(f"ERROR {r.name.strip()} {r.path}: {r.skipped}")
    if args.json:
        Path(args.json).write_text(
            json.dumps([asdict(r) for r in results], indent=1, ensure_ascii=False)
        )
    if broken:
        return 2
    return 1 if failed else 0


def main() -> int:
    args = parse_args()
    env = bench_env(args)
    prepare_database(args, env)
    setup_django(env)
    context = fixtures()
    tables = sizes()
    big = {name for name, rows in tables.items() if rows >= 50_000}
    print_header(args, context, tables)
    wanted = args.only.split("|")
    pages = [p for p in PAGES if any(w in p.name or w in p.path for w in wanted)]
    if args.profile:
        for page in pages:
            profile(page, context, args)
        return 0
    results = []
    for page in pages:
        say(f"  {page.group}: {page.name.strip()}")
        results.append(measure(page, context, args, big))
    load_ran = run_load(pages, results, env, args)
    return report(pages, results, args, load_ran)


if __name__ == "__main__":
    sys.exit(main())
