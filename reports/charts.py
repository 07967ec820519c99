"""Chart geometry for server-drawn SVG (no scripts, nothing from a CDN).

The views hand these lists to the templates, which draw `<rect>`s with the
computed sizes; every chart has the same numbers in a table below it.
"""

from __future__ import annotations

import math

from .definitions import FIGURE_LABELS


def _nice_ceiling(value: float) -> float:
    """The next round number at or above `value` (1, 2 or 5 times a power of 10)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover


def funnel(steps: list[tuple[str, int | None]]) -> list[dict]:
    """Bars for orders → cases → … → overturns, each sized against the first
    step it can be compared with, with its share of the step before."""
    top = next((v for _n, v in steps if v), 0) or 1
    out: list[dict] = []
    previous: int | None = None
    for name, value in steps:
        share = value / previous if value is not None and previous else None
        out.append(
            {
                "name": name,
                "label": FIGURE_LABELS[name],
                "value": value,
                "width": max(0.5, 100 * (value or 0) / top) if value else 0,
                "share": share,
            }
        )
        previous = value if value is not None else previous
    return out


def bars(rows: list[dict], figure: str) -> list[dict]:
    """Horizontal bars whose length is the rate itself (0 to 100 %)."""
    return [
        {
            "label": row["label"] if row["label"] is not None else row["key"],
            "value": row[figure],
            "width": round(100 * min(1.0, row[figure] or 0), 2),
        }
        for row in rows
    ]


def columns(rows: list[dict], figure: str) -> dict:
    """Columns over time, scaled to a round maximum; gaps stay empty."""
    values = [row[figure] for row in rows]
    top = _nice_ceiling(max((v for v in values if v is not None), default=0))
    width = 10
    items = []
    for i, row in enumerate(rows):
        value = row[figure]
        height = round(100 * (value or 0) / top, 2)
        items.append(
            {
                "x": i * width + 1,
                "y": round(100 - height, 2),
                "height": height,
                "label": row["label"] if row["label"] is not None else row["key"],
                "value": value,
            }
        )
    return {
        "items": items,
        "width": max(width * len(rows), width),
        "top": top,
        "first": items[0]["label"] if items else "",
        "last": items[-1]["label"] if items else "",
    }


def gaps(rows: list[dict]) -> list[dict]:
    """Each agent's buyer-win rate as a bar with the team's mark on it and the
    agent's likely range (the 95 % interval) as a band."""
    out = []
    for row in rows:
        low, high = row["buyer_win_low"], row["buyer_win_high"]
        out.append(
            {
                "label": row["name"],
                "value": row["buyer_win_rate"],
                "width": round(100 * (row["buyer_win_rate"] or 0), 2),
                "team": row["team_buyer_win_rate"],
                "team_x": round(100 * (row["team_buyer_win_rate"] or 0), 2),
                "low": low,
                "high": high,
                "low_x": round(100 * (low or 0), 2),
                "range_width": round(100 * ((high or 0) - (low or 0)), 2),
                "differs": row["buyer_win_differs"],
            }
        )
    return out
