"""FAST PATH: the case serializers' read path, planned once per class.

Re-implements DRF 3.18's `Serializer.to_representation` for read-only
fields. DRF builds a ModelSerializer's fields again for every request (a deep
copy of the declared fields, a field built from each model field) and, for
every row, walks each field through `get_attribute` and `to_representation`.
`LeanReadMixin` keeps one list of (name, read, show) per serializer class,
made from the same fields, and writes each row with it: the same keys,
values and order as DRF's.

Measured gain: 2.4-4.7 ms of CPU per API list page of 50 cases (22-27 ms
with DRF's path, 19-22 ms with this: 11-17 %), `bench/fastpaths.py`, 2,000
cases on PostgreSQL (docs/performance.md, "Fast paths"). Kept because the
case list is the API's busiest endpoint and its throughput is CPU-bound.

On a DRF upgrade check (tests/core/test_fastpath_versions.py stops the suite
on a new minor version until WRITTEN_FOR is raised):
- `tests/api/test_lean_read.py` still passes (it compares every field of
  every state, both languages, and whole answers with DRF's own);
- `Serializer.to_representation` still skips `SkipField`, writes None for a
  None value or a `PKOnlyObject` without pk, and reads `_readable_fields`;
- `Field.get_attribute` of a dotted source still calls callables and turns
  a missing relation into None or `SkipField` as `_reader` leaves it to;
- `CharField`, `IntegerField`, `ChoiceField` (`choice_strings_to_values`)
  and `DateTimeField` (ISO 8601, "Z" for UTC, the current time zone) still
  represent values as `_shower` writes them.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework import fields as drf_fields
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

# The framework versions this was written against and checked with.
WRITTEN_FOR: dict[str, tuple[int, ...]] = {"djangorestframework": (3, 18)}

Read = Callable[[Any], Any]
Show = Callable[[Any, Any], Any]  # (serializer, value) -> representation


class LeanReadMixin:
    """`to_representation` from a per-class plan of the readable fields."""

    _read_plans: ClassVar[dict[type, list[tuple[str, Read, Show]]]] = {}

    def to_representation(self, instance):
        ret = {}
        for name, read, show in self._read_plan():
            try:
                value = read(instance)
            except SkipField:
                continue
            check = value.pk if isinstance(value, PKOnlyObject) else value
            ret[name] = None if check is None else show(self, value)
        return ret

    @classmethod
    def _read_plan(cls) -> list[tuple[str, Read, Show]]:
        plan = LeanReadMixin._read_plans.get(cls)
        if plan is None:
            prototype: Any = cls()
            plan = [
                (field.field_name, _reader(field), _shower(field))
                for field in prototype._readable_fields
            ]
            LeanReadMixin._read_plans[cls] = plan
        return plan


def _reader(field) -> Read:
    """field.get_attribute, without its per-call work for a plain dotted source."""
    simple = (
        type(field).get_attribute is drf_fields.Field.get_attribute
        and field.source != "*"
        and not isinstance(field, serializers.SerializerMethodField)
    )
    if not simple:
        return field.get_attribute
    fetch = operator.attrgetter(field.source)

    def read(instance):
        try:
            value = fetch(instance)
        except Exception:  # absent relation, None on the way: DRF decides
            return field.get_attribute(instance)
        if callable(value):  # DRF calls simple callables
            return field.get_attribute(instance)
        return value

    return read


# Fields whose output depends on the request (absolute URLs): not planned.
NEEDS_REQUEST = (
    serializers.FileField,
    serializers.HyperlinkedRelatedField,
    serializers.HyperlinkedIdentityField,
)


def _shower(field) -> Show:
    kind = type(field)
    if isinstance(field, NEEDS_REQUEST):
        raise ImproperlyConfigured(f"{field.field_name}: its output needs the request")
    if isinstance(field, serializers.SerializerMethodField):
        method = field.method_name
        return lambda serializer, value: getattr(serializer, method)(value)
    if kind is serializers.CharField:
        return lambda serializer, value: str(value)
    if kind is serializers.IntegerField:
        return lambda serializer, value: int(value)
    if kind is serializers.ChoiceField:
        strings = field.choice_strings_to_values
        return lambda serializer, value: (
            value if value in ("", None) else strings.get(str(value), value)
        )
    if kind is serializers.DateTimeField and _iso_in_current_zone(field):
        return _datetime_shower(field)
    represent = field.to_representation
    return lambda serializer, value: represent(value)


def _iso_in_current_zone(field) -> bool:
    output = getattr(field, "format", api_settings.DATETIME_FORMAT)
    return (
        isinstance(output, str)
        and output.lower() == ISO_8601
        and not hasattr(field, "timezone")
    )


def _datetime_shower(field) -> Show:
    """DateTimeField.to_representation for aware datetimes (others: DRF's)."""
    represent = field.to_representation

    def show(serializer, value):
        if not (
            settings.USE_TZ
            and type(value) is datetime.datetime
            and value.utcoffset() is not None
        ):
            return represent(value)
        try:
            text = value.astimezone(timezone.get_current_timezone()).isoformat()
        except OverflowError:
            return represent(value)
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return show
