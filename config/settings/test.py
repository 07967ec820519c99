"""Tests: fast hashing, in-memory mail, a private media folder."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="dispute-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
LANGUAGE_CODE = "en"

# --- A "replica" alias on the test database (config/routers.py tests) ------
# Routing to it is off unless a test turns REPLICA_READS on.
DATABASES = {
    **DATABASES,  # noqa: F405
    "replica": {**DATABASES["default"], "TEST": {"MIRROR": "default"}},  # noqa: F405
}
REPLICA_READS = False
# --- end replica ---

# SQLite tests run on a file, not in memory: in-memory databases share one
# cache between threads and refuse concurrent writers outright, so the tests of
# simultaneous actions (200 + 409s, never "database is locked") need the same
# file locking a real deployment has.
for _db in DATABASES.values():
    if _db["ENGINE"] == "django.db.backends.sqlite3" and "MIRROR" not in _db.get(
        "TEST", {}
    ):
        _db.setdefault("TEST", {})["NAME"] = str(
            Path(tempfile.gettempdir()) / f"dispute-tests-{os.getpid()}.sqlite3"
        )
