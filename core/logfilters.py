"""Logging filters the settings' LOGGING names."""

from __future__ import annotations

import logging


class ClientErrorsInOneLine(logging.Filter):
    """A 4xx answer is the client's error, not a fault: keep its one line
    ("Forbidden (Permission denied): /admin/…") and drop the traceback that
    Django attaches to it."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
