"""Every URL pattern of the project, as concrete addresses for a test world."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

_PLACEHOLDER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def url_patterns() -> Iterator[str]:
    """Every route of the URLconf, as its pattern text (`disputes/<str:number>/`)."""

    def walk(patterns, prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    yield from walk(get_resolver().url_patterns, "")


def placeholders(route: str) -> list[str]:
    return [a or b for a, b in _PLACEHOLDER.findall(route)]


def to_path(route: str, values: dict[str, object]) -> str:
    """The address for a route with its placeholders filled from `values`."""

    def fill(match: re.Match) -> str:
        return str(values[match.group(1) or match.group(2)])

    path = _PLACEHOLDER.sub(fill, route).replace("^", "").replace("$", "")
    return "/" + path.replace("\\", "")


@dataclass
class Side:
    """One party's objects: the values that fill a route's placeholders."""

    values: dict[str, object]
    secrets: list[str]  # text from these objects that must never leak to others
