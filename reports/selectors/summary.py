"""The summary: every figure per period or dimension value, with totals,
labels and definitions (the pages, their CSV files and the summary API)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.models import User
from disputes.choices import Reason
from stores.models import Category, Store

from ..definitions import definitions
from .figures import FIGURE_MEASURES, _figures, figure_reader, figures
from .periods import _fill_periods
from .query import GROUP_BY, PERIODS, Figures, Query
from .sums import _orders_total, _sum_table, _sums


def summary(query: Query, names: tuple[str, ...] = FIGURE_MEASURES) -> dict[str, Any]:
    """Every figure per period or dimension value, totals and definitions.

    `names` reads only those measures (without "orders": no orders either);
    the figures that need others are then meaningless, for a caller that
    shows only the ones it asked for (the intervention rate).
    """
    group = query.group_by
    if group not in GROUP_BY:
        raise ValueError(group)
    read, table = _sum_table(query, (group,), names=names)
    sums = {key[0]: values for key, values in table.items()}
    empty = (0,) * len(read)
    orders: dict[Any, int] | None = None  # per group; None: not known
    total_orders = None
    if query.agent is None and group != "agent" and "orders" in names:
        orders, total_orders = _orders(query, read, sums, empty)
    if group in PERIODS:
        _fill_periods(sums, query, empty)
    total = tuple(map(sum, zip(*sums.values(), strict=True))) if sums else empty
    to_counts = figure_reader(read)
    return {
        "group_by": group,
        "date_from": query.date_from,
        "date_to": query.date_to,
        "time_zone": settings.TIME_ZONE,
        "definitions": definitions(),
        "totals": {
            "key": None,
            "label": _("All"),
            **_figures(to_counts(total), total_orders),
        },
        "rows": _rows(group, sums, to_counts, orders, total_orders),
    }


def _orders(
    query: Query,
    read: tuple[str, ...],
    sums: dict[Any, tuple[int, ...]],
    empty: tuple[int, ...],
) -> tuple[dict[Any, int], int]:
    """Orders per group and in all. Orders have no reason: grouped by reason,
    every row's orders are the total (and the dict is empty). A cuboid that
    keeps no orders has them read from the orders cuboid, by key; a group with
    orders and no cases is added to `sums` with `empty` counts."""
    group = query.group_by
    if group == "reason":
        return {}, _orders_total(query)
    if "orders" in read:
        at = read.index("orders")
        orders = {key: values[at] for key, values in sums.items()}
    else:
        orders = {}
        _names, by_key = _sum_table(query, (group,), orders_only=True)
        for key, (count,) in by_key.items():
            orders[key[0]] = count
            sums.setdefault(key[0], empty)
    return orders, sum(orders.values())


def _rows(
    group: str,
    sums: dict[Any, tuple[int, ...]],
    to_counts: Callable[[Sequence[int]], Sequence[int]],
    orders: dict[Any, int] | None,
    total_orders: int | None,
) -> list[Figures]:
    """Every figure of each group, sorted by key (periods in order, the
    groups without a value last)."""
    labels = _labels(group, sums.keys())
    key_names = _key_names(group, sums.keys())
    rows = []
    for key in sorted(sums, key=_sort_key):
        row_orders = None
        if orders is not None:
            row_orders = total_orders if group == "reason" else orders.get(key, 0)
        shown = format_key(group, key, key_names)
        rows.append(
            {
                "key": shown,
                "label": labels.get(key, shown),
                **_figures(to_counts(sums[key]), row_orders),
            }
        )
    return rows


def totals(query: Query) -> Figures:
    """Every figure over the whole window (no grouping) and its raw sums."""
    sums = _sums(query)[()]
    orders = None
    if query.agent is None:
        orders = sums["orders"] if "orders" in sums else _orders_total(query)
    return {**figures(sums, orders), "_sums": sums}


def _sort_key(key: Any) -> tuple[bool, str]:
    return (key is None, str(key) if not isinstance(key, int) else f"{key:012d}")


def format_key(
    group: str, key: Any, names: Mapping[Any, str] | None = None
) -> str | int | None:
    """Periods as YYYY-MM-DD (a week: its Monday) or YYYY-MM; a category by its
    code and an agent by username (from `names`); other values as they are."""
    if key is None:
        return None
    if group == "month":
        return f"{key:%Y-%m}"
    if group in PERIODS:
        return f"{key:%Y-%m-%d}"
    if group in ("category", "agent"):
        return (names or {}).get(key)
    shown: str | int = key  # a store id, a region, a reason code
    return shown


def _key_names(group: str, keys: Iterable[Any]) -> dict[Any, str]:
    """Category codes or agents' usernames for their ids, in one query."""
    ids = [k for k in keys if k]
    if group == "category":
        return dict(Category.objects.filter(pk__in=ids).values_list("pk", "code"))
    if group == "agent":
        return dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))
    return {}


def _labels(group: str, keys: Iterable[Any]) -> dict[Any, str]:
    keys = [k for k in keys if k not in (None, "", 0)]
    if group == "store":
        stores = Store.objects.values_list("pk", "name")
        if len(keys) <= 100:
            return dict(stores.filter(pk__in=keys))
        wanted = set(keys)  # most stores: read them all, not a long IN list
        return {pk: name for pk, name in stores if pk in wanted}
    if group == "category":
        return dict(Category.objects.filter(pk__in=keys).values_list("pk", "name"))
    if group == "reason":
        return {k: str(Reason(k).label) for k in keys if k in Reason.values}
    if group == "agent":
        users = User.objects.filter(pk__in=keys).only("username", "display_name")
        return {0: _("Not picked up yet"), **{u.pk: str(u) for u in users}}
    return {}
