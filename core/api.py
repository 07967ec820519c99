"""What every API endpoint shares: the error format, pagination, throttles and
`Idempotency-Key` handling.

Every error answers `{"message": ..., "code": ..., "errors": {field: [...]}}`
in the user's language, whether it came from a domain service
(`ApplicationError`) or from DRF itself (validation, authentication, parsing,
throttling, not found).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import django_filters.rest_framework as filters
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.utils.encoders import JSONEncoder

from core.errors import ApplicationError
from core.models import IdempotencyRecord

IDEMPOTENCY_HEADER = "Idempotency-Key"


class IdempotencyKeyReused(ApplicationError):
    """The key was already used for a different request."""

    status_code = 422
    code = "idempotency_key_reused"


class IdempotencyKeyInFlight(ApplicationError):
    """A record without a response (left by an older version still running)."""

    status_code = 409
    code = "idempotency_key_in_flight"


# The error format.
class ErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The one error shape of the API."""

    message = serializers.CharField(help_text="A sentence for people.")
    code = serializers.CharField(help_text="A stable machine-readable code.")
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field name -> messages; empty when no field is to blame.",
    )


ERROR_TEXT = {
    400: "Bad fields: `errors` names each one.",
    401: "Not signed in: send `Authorization: Token …` or a session cookie.",
    403: "Visible, but your role may not do this.",
    404: "Not found, or not visible to you.",
    409: "Not available in the current state, or a concurrent change won.",
    422: "The Idempotency-Key was already used with another request body.",
    429: "Too many requests: wait `Retry-After` seconds.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema entries for error status codes, all in the one error shape."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=ERROR_TEXT[code])
        for code in codes
    }


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID). A retry with the same key and body replays "
        "the first response; the same key with another body answers 422."
    ),
)


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF error detail (dicts, lists, nested) as {field: [messages]}."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {
                prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(d) for d in detail]
            }
        out = {}
        for index, item in enumerate(detail):
            out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return out
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(detail)]}


def error_body(
    message: object, code: str, errors: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"message": str(message), "code": code, "errors": errors or {}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map domain and DRF errors to the one error format."""
    if isinstance(exc, ApplicationError):
        errors = {k: [str(m) for m in v] for k, v in exc.errors.items()}
        return Response(
            error_body(exc.message, exc.code, errors), status=exc.status_code
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = str(auth_header)
    wait = getattr(exc, "wait", None)
    if wait:
        headers["Retry-After"] = str(int(wait))
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(
            _("Check the highlighted fields."), "invalid", _flatten(exc.detail)
        )
    else:
        detail = exc.detail
        message = detail if isinstance(detail, str) else exc.default_detail
        code = getattr(detail, "code", None) or exc.default_code
        body = error_body(message, code)
    return Response(body, status=exc.status_code, headers=headers)


class FilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, skipped for a request that names no parameter
    but the page's own: a filter set without data filters nothing, and
    building and validating its form cost 6 % of an API list page's CPU
    (issue 25, docs/performance.md)."""

    PAGE_PARAMS = frozenset({"cursor", "page_size"})

    def filter_queryset(self, request: Request, queryset: Any, view: Any) -> Any:
        if self.PAGE_PARAMS.issuperset(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class StrictFilterSet(filters.FilterSet):
    """A FilterSet that refuses `?name=` (an empty value) instead of ignoring it."""

    def is_valid(self) -> bool:
        valid = bool(super().is_valid())
        for name in self.filters:
            if name in self.data and self.data.get(name) == "":
                self.form.add_error(name, _("Give a value or leave the parameter out."))
                valid = False
        return valid


def refuse_blank_params(data: Any, names: Iterable[str]) -> None:
    """Raise a field error for each query parameter sent with an empty value."""
    blank = {
        n: [_("Give a value or leave the parameter out.")]
        for n in names
        if n in data and data.get(n) == ""
    }
    if blank:
        raise exceptions.ValidationError(blank)


# Strict input fields: JSON types as the schema says (no 0 for "0" or 1 for true).
class StrictCharField(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDecimalField(serializers.DecimalField):
    """Money as a decimal string, like every amount the API returns."""

    def to_internal_value(self, data: Any) -> Decimal:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false only (DRF's own also takes 0, 1, "yes", "on"...)."""

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)
        raise AssertionError("fail() raises")  # pragma: no cover


class StrictModelSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.DecimalField: StrictDecimalField,
        models.IntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.BooleanField: StrictBooleanField,
    }


# Pagination: cursors, stable under inserts and without COUNT(*).
class NewestFirstCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [_("Enter a number from 1 to 100.")]}
            )
        return int(raw)

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as exc:
            raise exceptions.ValidationError(
                {self.cursor_query_param: [_("Invalid cursor.")]}
            ) from exc

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_size_query_param:
                param["schema"].update({"minimum": 1, "maximum": self.max_page_size})
        return params


class CaseCursorPagination(NewestFirstCursorPagination):
    ordering = ("-opened_at", "-id")


class OrderCursorPagination(NewestFirstCursorPagination):
    ordering = ("-placed_at", "-id")


# Throttling: per user, writes only, rates from settings (read at request time).
class WriteRateThrottle(ScopedRateThrottle):
    """Throttle unsafe requests per user by the view's `throttle_scope`.

    A viewset may name a scope per action in `throttle_scopes`.
    """

    def get_rate(self) -> str | None:
        rates = api_settings.DEFAULT_THROTTLE_RATES or {}
        rate = rates.get(self.scope) if self.scope else None
        return None if rate is None else str(rate)

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        scopes = getattr(view, "throttle_scopes", {})
        scope = scopes.get(getattr(view, "action", None)) or getattr(
            view, "throttle_scope", None
        )
        if not scope:
            return True
        self.scope = scope
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super(ScopedRateThrottle, self).allow_request(request, view)

    def wait(self) -> float | None:
        return super().wait()


# Idempotency-Key.
def _canonical(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def request_fingerprint(request: Request) -> str:
    data = request.data
    if hasattr(data, "lists"):
        data = {k: v if len(v) > 1 else v[0] for k, v in data.lists()}
    payload = {
        "method": request.method,
        "path": request.path,
        "data": _canonical(data),
    }
    raw = json.dumps(payload, sort_keys=True, cls=JSONEncoder, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


def _user_id(request: Request) -> int:
    """The signed-in user's id (idempotency is only offered to them)."""
    return cast(int, request.user.pk)


def _claim_key(
    request: Request, key: str, fingerprint: str
) -> IdempotencyRecord | None:
    """The committed record for this key, or None after claiming it ourselves.

    The claim is an INSERT inside the caller's transaction: a concurrent
    request with the same key waits on the unique index until ours commits
    (then it replays our response) or rolls back (then it runs the action).
    """
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                user_id=_user_id(request),
                key=key,
                method=request.method or "",
                path=request.path[:255],
                fingerprint=fingerprint,
            )
        return None
    except IntegrityError:
        return IdempotencyRecord.objects.get(user_id=_user_id(request), key=key)


def idempotent(view_method: Callable[..., Response]) -> Callable[..., Response]:
    """Honour the Idempotency-Key header on a POST handler.

    The key's claim, the action and the stored response commit in one
    transaction, so a retry after any failure (an error, a dropped
    connection, a killed process) either replays the committed response or
    runs the action again as if for the first time; only 2xx responses are
    stored.
    """

    @functools.wraps(view_method)
    def wrapper(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if request.method != "POST" or not key or not request.user.is_authenticated:
            return view_method(self, request, *args, **kwargs)
        if len(key) > 255:
            raise exceptions.ValidationError(
                {IDEMPOTENCY_HEADER: [_("Use a key of at most 255 characters.")]}
            )
        fingerprint = request_fingerprint(request)
        with transaction.atomic():
            record = _claim_key(request, key, fingerprint)
            if record is not None:
                return _replay(record, fingerprint)
            response = view_method(self, request, *args, **kwargs)
            if not status.is_success(response.status_code):
                transaction.set_rollback(True)
                return response
            IdempotencyRecord.objects.filter(user=request.user, key=key).update(
                status_code=response.status_code,
                response_body=json.loads(json.dumps(response.data, cls=JSONEncoder)),
            )
        return response

    return wrapper


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            _(
                "This Idempotency-Key was already used with a different request; "
                "use a new key for a new request."
            )
        )
    if record.status_code is None:
        raise IdempotencyKeyInFlight(
            _("A request with this Idempotency-Key is still being processed.")
        )
    return Response(
        record.response_body,
        status=record.status_code,
        headers={"Idempotent-Replayed": "true"},
    )


def purge_idempotency_records(*, now: datetime | None = None) -> int:
    """Forget stored responses past their retention, and in-flight claims left
    behind by a request that died; returns how many records were deleted."""
    now = now or timezone.now()
    kept = timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    stale = timedelta(minutes=settings.IDEMPOTENCY_IN_FLIGHT_MINUTES)
    expired = Q(created_at__lt=now - kept) | Q(
        status_code__isnull=True, created_at__lt=now - stale
    )
    deleted, _by_model = IdempotencyRecord.objects.filter(expired).delete()
    return deleted
