"""One root for domain errors; the API and the pages map them once."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A domain rule refused the request; nothing was changed."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class ValidationFailed(ApplicationError):
    """Bad input: a field is missing or out of range."""

    status_code = 400
    code = "invalid"


class ActionNotPermitted(ApplicationError):
    """The actor may see the object but may not do this to it."""

    status_code = 403
    code = "permission_denied"


class NotVisible(ApplicationError):
    """The object does not exist for this actor."""

    status_code = 404
    code = "not_found"


class InvalidTransition(ApplicationError):
    """The action is not available in the object's current state."""

    status_code = 409
    code = "invalid_state"


class ConcurrentChange(ApplicationError):
    """Somebody else changed the object first."""

    status_code = 409
    code = "conflict"
