"""Settings shared by every environment; everything comes from the environment."""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "stores",
    "orders",
    "disputes",
    "reports",
    "notifications",
    "core",
    "webhooks",
    # Interfaces over the domain: the parties' pages, the agents' workbench.
    "portal",
    "workbench",
    # Demo data (seed_demo): uses every layer, used by none.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.routers.ReplicaReadsMiddleware",  # list/report reads → replica
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.friendly_errors.FriendlyNotFoundMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.role",
                "notifications.context_processors.unread",
            ],
        },
    },
]


# --- Databases: primary, optional read replica, PgBouncer (docs/deploy.md) ---
# DATABASE_REPLICA_URL adds a "replica" alias; config.routers sends the reads
# of report and list pages there (never inside a transaction or after a write).
# DATABASE_PGBOUNCER=1: PgBouncer in transaction mode (no server-side cursors,
# no prepared statements kept on a server connection).
# Prepared statements on PostgreSQL unless DATABASE_SERVER_SIDE_BINDING=0 (below).
def database(url: str) -> dict[str, Any]:
    config = dj_database_url.parse(
        url, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0"))
    )
    postgres = "postgresql" in config["ENGINE"]
    if env_bool("DATABASE_PGBOUNCER", False) and postgres:
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
        config.setdefault("OPTIONS", {})["prepare_threshold"] = None
    elif postgres:
        # No JIT compilation: it pays off for long analytical scans, not for
        # this site's short queries (it added 235 ms to the merchant's case
        # list at 1M cases). Behind PgBouncer, which refuses startup options,
        # set it on the database instead (docs/deploy.md).
        options = config.setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c jit=off").strip()
    if (
        env_bool("DATABASE_SERVER_SIDE_BINDING", True)
        and postgres
        and not env_bool("DATABASE_PGBOUNCER", False)
    ):
        # Parameters sent apart from the SQL, so psycopg prepares a query the
        # connection runs repeatedly and PostgreSQL plans it once (with
        # DATABASE_CONN_MAX_AGE > 0). On by default since the whole suite
        # passed with it on PostgreSQL (issue 25); DATABASE_SERVER_SIDE_BINDING=0
        # turns it off. Never behind PgBouncer in transaction mode.
        options = config.setdefault("OPTIONS", {})
        options["server_side_binding"] = True
        # Django 5.2 passes psycopg prepare_threshold=None unless OPTIONS gives
        # one, and None prepares nothing: binding alone still plans every
        # query on every run. psycopg prepares a query the connection has run
        # this many times (issue 25: API list +22 % rps, detail +30 %,
        # PostgreSQL CPU per list request 4.6 -> 1.9 ms; docs/deploy.md).
        options["prepare_threshold"] = int(
            os.environ.get("DATABASE_PREPARE_THRESHOLD", "5")
        )
    return dict(config)


DATABASES = {
    "default": database(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **database(DATABASE_REPLICA_URL),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
REPLICA_READS = bool(DATABASE_REPLICA_URL)
# After a write, the same browser reads from the primary for this long, so
# that it never sees a replica that has not caught up with its own change.
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))
# --- end databases ---
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds API throttle counters: with several server processes, point
# CACHE_URL at Redis (redis://127.0.0.1:6379/1) so that they share one count.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
        }
        if CACHE_URL.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# --- Sessions: with a shared cache, read sessions from it (scale-out) -------
# cached_db: reads hit Redis, writes go to Redis and the database, so a Redis
# restart logs nobody out.
if CACHE_URL.startswith(("redis://", "rediss://")):
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# --- end sessions ---

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/accounts/home/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage",
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "disputes@example.com")
# The address people reach the site at: links in e-mail are absolute.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

REST_FRAMEWORK: dict[str, Any] = {
    # Token first, so that an anonymous request answers 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["core.api.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "core.fastpath_json.JSONRenderer",  # DRF's JSON, written by orjson
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["core.api.WriteRateThrottle"],
    # Per user, for writes only; raise them with API_RATE_* (the fuzzer does).
    "DEFAULT_THROTTLE_RATES": {
        "dispute_open": os.environ.get("API_RATE_DISPUTE_OPEN", "30/hour"),
        "message": os.environ.get("API_RATE_MESSAGE", "120/hour"),
        "evidence": os.environ.get("API_RATE_EVIDENCE", "60/hour"),
        "action": os.environ.get("API_RATE_ACTION", "600/hour"),
        "webhook": os.environ.get("API_RATE_WEBHOOK", "60/hour"),
    },
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Dispute portal API",
    "DESCRIPTION": (
        "After-sales disputes: cases, actions, evidence, rules, reports. "
        "Every error answers `{message, code, errors}`; POSTs that move money "
        "or state honour an `Idempotency-Key` header."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "StateEnum": "disputes.choices.State",
        "ReasonEnum": "disputes.choices.Reason",
        "RemedyEnum": "disputes.choices.Remedy",
        "OutcomeEnum": "disputes.choices.Outcome",
        "LiabilityEnum": "disputes.choices.Liability",
        "PartyEnum": "disputes.choices.Party",
        "ResolutionEnum": "disputes.choices.Resolution",
        "OrderStatusEnum": "orders.models.OrderStatus",
    },
}

# Dispute policy: defaults; a store category may override every one of them.
DISPUTE_POLICY = {
    "after_sales_days": 15,
    "merchant_response_hours": 48,
    "evidence_hours": 72,
    "appeal_days": 7,
    "pickup_sla_hours": 24,
    "ruling_sla_hours": 72,
    # What happens when the merchant stays silent past the deadline:
    # "complaint" (escalate to the platform) or "auto_refund".
    "silent_merchant_action": "complaint",
    # Goods: 七天无理由 and the return / replacement legs (docs/service-levels.md).
    "no_reason_allowed": True,
    "no_reason_hours": 168,
    "return_ship_days": 7,
    "return_confirm_days": 7,
    "return_confirm_after_delivery_hours": 48,
    "replacement_ship_hours": 48,
    "replacement_confirm_days": 10,
}
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        # A 403 or 400 is logged as one line, without a traceback.
        "client_errors": {"()": "core.logfilters.ClientErrorsInOneLine"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_errors"]},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # Django's default gives "django" a console of its own too (with
        # DEBUG): every line would print twice. It reaches the root's.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        # On the logger as well, so that every handler gets the one line.
        "django.request": {"filters": ["client_errors"]},
    },
}
DISPUTE_DEADLINE_BATCH_LIMIT = 100_000
# How long a stored Idempotency-Key response is replayed, and when an in-flight
# claim left by a request that died is given up.
IDEMPOTENCY_KEY_TTL_HOURS = int(os.environ.get("IDEMPOTENCY_KEY_TTL_HOURS", "24"))
IDEMPOTENCY_IN_FLIGHT_MINUTES = 10

# Everything that leaves a request (mail, webhooks, fan-out) is a task: queued
# in the database on commit and run by `manage.py db_worker` (see README).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task still RUNNING after this long lost its worker (killed, machine gone):
# `requeue_stale_tasks` (run by `make run` and `make worker`) puts it back in the queue.
TASKS_STALE_AFTER_MINUTES = int(os.environ.get("TASKS_STALE_AFTER_MINUTES", "15"))

# Agents' service-level targets count working hours on the Chinese working
# calendar (chinese_calendar: holidays and 调休 make-up days) within these hours.
SLA_WORKING_HOURS = {
    "start": os.environ.get("SLA_WORKING_HOURS_START", "09:00"),
    "end": os.environ.get("SLA_WORKING_HOURS_END", "21:00"),
    "time_zone": os.environ.get("SLA_TIME_ZONE", "Asia/Shanghai"),
}
# A warning goes to the assigned agent when this share of a target has passed.
SLA_WARNING_SHARE = 0.8

# Webhooks to merchants' systems (Standard Webhooks, see docs/webhooks.md).
# Production accepts only https URLs to public addresses; WEBHOOK_ALLOW_LOOPBACK
# (default: DEBUG) also allows http://127.0.0.1 for trying them out.
WEBHOOK_ALLOW_LOOPBACK = None
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
# A failed delivery is retried after 30 s, 1 min, 2 min, … (at most 6 h apart)
# for 24 hours; then the endpoint is disabled and the merchant told.
WEBHOOK_RETRY_FIRST_SECONDS = 30
WEBHOOK_RETRY_MAX_SECONDS = 6 * 3600
WEBHOOK_RETRY_WINDOW_HOURS = 24

# --- Security and reliability (issue 11; docs/security.md) -------------------
# Kept in one block so that other settings work merges around it.
from datetime import timedelta  # noqa: E402

INSTALLED_APPS += ["axes", "csp"]  # "core" is listed above
MIDDLEWARE.insert(1, "core.middleware.HostileInputMiddleware")
MIDDLEWARE.insert(2, "csp.middleware.CSPMiddleware")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # must stay last

for _db in DATABASES.values():
    # A reused connection the database dropped is replaced, not a 500.
    _db["CONN_HEALTH_CHECKS"] = True
    if _db["ENGINE"] == "django.db.backends.sqlite3":
        # Writers queue for the lock at BEGIN instead of failing on upgrade
        # ("database is locked"): a double click answers 409, not 500.
        _db.setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)

# Sign-in throttling: every path (web, admin, API token) authenticates through
# Django, where axes counts failures per username and per address.
AUTHENTICATION_BACKENDS = [
    "core.auth.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "core.auth.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The client's address: REMOTE_ADDR, unless DJANGO_PROXY_COUNT trusted proxies
# in front append it to X-Forwarded-For (a client could forge the header).
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    if AXES_IPWARE_PROXY_COUNT
    else ["REMOTE_ADDR"]
)

# API tokens live this many days, and die on logout and password change.
API_TOKEN_TTL_DAYS = int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"][0] = (
    "core.tokens.ExpiringTokenAuthentication"
)

# Request bodies: the largest accepted (an evidence file plus its form), refused
# with 413 before it is read; set the front proxy to the same value.
MAX_REQUEST_BODY_BYTES = EVIDENCE_MAX_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # non-file fields (JSON, forms)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger files spool to disk
MAX_JSON_DEPTH = 64

# Headers on every response; a strict Content-Security-Policy on every page.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# --- end of security block ----------------------------------------------------

# The case record is kept at least this many years after a case closes
# (docs/security.md "The record proves itself"); `purge_case_records` refuses
# a value under 3 and never touches a case closed more recently.
RECORD_RETENTION_YEARS = int(os.environ.get("RECORD_RETENTION_YEARS", "3"))

# The precedents' covering indexes (`include=`, disputes 0025) are for
# PostgreSQL's index-only scans; SQLite builds them without the included
# columns, which changes no answer. Without this every SQLite command would
# open with the warning.
if "sqlite" in DATABASES["default"]["ENGINE"]:
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
