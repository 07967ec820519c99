"""What a report asks: `Query` (a grouping, a window, filters) and the names
every selector module shares."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from ..cuboids import DIMENSIONS

PERIODS = ("day", "week", "month")
GROUP_BY = (*PERIODS, *DIMENSIONS)
Sums = dict[str, int]
Key = tuple[Any, ...]  # a group's values (a period, a store id, …)
Row = tuple[Any, ...]  # a database row: the group's values, then its sums
Figures = dict[str, Any]


@dataclass(frozen=True)
class Query:
    """One report question: a grouping, a window and dimension filters.

    Filter values are already checked: `store`, `category` and `agent` are ids
    (agent 0 means no agent yet), `region` a province, `reason` a reason code.
    `stores` limits everything to those stores (a merchant's own).
    """

    group_by: str = "month"
    date_from: date | None = None
    date_to: date | None = None
    store: int | None = None
    category: int | None = None
    region: str | None = None
    reason: str | None = None
    agent: int | None = None
    stores: frozenset[int] | None = None

    def filters(self) -> dict[str, object]:
        return {d: getattr(self, d) for d in DIMENSIONS if getattr(self, d) is not None}

    def previous(self) -> Query | None:
        """The same question over the equally long period just before, if any."""
        if self.date_from is None or self.date_to is None:
            return None
        try:
            days = (self.date_to - self.date_from).days + 1
            start = self.date_from - timedelta(days=days)
        except OverflowError:
            return None
        return replace(self, date_from=start, date_to=self.date_from - timedelta(1))
