"""Helpers the server-rendered pages of every app share."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 20
# A count stops here: no page counts a million rows to print one number.
COUNT_CAP = 10_000


def capped_count(
    qs: QuerySet[Any], cap: int | None = None, order: tuple[str, ...] = ()
) -> tuple[int, bool]:
    """(count, capped): count at most cap + 1 rows (only their ids);
    COUNT_CAP unless another cap is given. `order` may name the order of an
    index that serves the filter: PostgreSQL then walks it and stops at the
    cap instead of collecting every match first."""
    cap = COUNT_CAP if cap is None else cap
    counted = qs.order_by(*order).values("pk")[: cap + 1].count()
    return min(counted, cap), counted > cap


def page_of(
    request: HttpRequest, qs: QuerySet[Any], per_page: int = PER_PAGE
) -> dict[str, Any]:
    """One page of rows without COUNT(*): fetch one extra row to know if more follow."""
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    start = (number - 1) * per_page
    rows = list(qs[start : start + per_page + 1])
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "rows": rows[:per_page],
        "number": number,
        "has_next": len(rows) > per_page,
        "has_previous": number > 1,
        "query": query.urlencode(),
    }
