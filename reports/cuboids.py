"""The grains the rollups keep, and which one answers a question fastest.

A cuboid keeps the figures per period (a day, or a month) and per value of
some dimensions. Every case adds to every cuboid; orders only to those
without reason or agent (an order has neither). A question (a grouping and
some filters over a date range) is answered from the smallest cuboid that
keeps every dimension it needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

DIMENSIONS = ("store", "category", "region", "reason", "agent")
DIM_COLUMNS = {
    "store": "store_id",
    "category": "category_id",
    "region": "region",
    "reason": "reason",
    "agent": "agent_id",
}
BLANK = {"store": 0, "category": 0, "region": "", "reason": "", "agent": 0}
STORE_DIMS = frozenset({"store", "category", "region"})


@dataclass(frozen=True)
class Cuboid:
    id: int
    grain: str  # "day" or "month"
    dims: frozenset[str]

    @property
    def has_orders(self) -> bool:
        return not self.dims & {"reason", "agent"}

    def period(self, day: date) -> date:
        return day.replace(day=1) if self.grain == "month" else day

    def covers(self, dims: set[str], grain: str) -> bool:
        return dims <= self.dims and (self.grain == "day" or grain == "month")


# Smallest first: the planner takes the first that covers the question.
CUBOIDS = (
    Cuboid(1, "month", frozenset()),
    Cuboid(2, "day", frozenset()),
    Cuboid(3, "month", frozenset({"reason", "agent"})),
    Cuboid(4, "day", frozenset({"category"})),
    Cuboid(5, "day", frozenset({"reason", "agent"})),
    Cuboid(6, "day", frozenset({"region"})),
    Cuboid(7, "month", STORE_DIMS),
    Cuboid(8, "month", STORE_DIMS | {"reason", "agent"}),
    Cuboid(9, "day", STORE_DIMS),
    Cuboid(10, "day", STORE_DIMS | {"reason", "agent"}),
)
BY_ID = {c.id: c for c in CUBOIDS}
# The finest cuboid: every dimension, by day.
FINEST = CUBOIDS[-1]


def cuboid_for(dims: set[str], grain: str, *, orders: bool = False) -> Cuboid:
    """The smallest cuboid keeping `dims` at `grain` ("day" or "month")."""
    for cuboid in CUBOIDS:
        if cuboid.covers(dims, grain) and (cuboid.has_orders or not orders):
            return cuboid
    raise ValueError(f"no cuboid keeps {sorted(dims)} at {grain}")
