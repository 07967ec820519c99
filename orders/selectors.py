"""Order reads shared by the pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from stores.scoping import visible_to

from .models import Order


def visible_orders(user: Any, qs: QuerySet[Order] | None = None) -> QuerySet[Order]:
    """Orders this user may see (stores.scoping's rule)."""
    return visible_to(user, Order.objects.all() if qs is None else qs)
