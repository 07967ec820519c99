"""Comparisons built on the report sums: outlier stores, agent consistency,
and a merchant's store against its category."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from statistics import median

from accounts.models import User
from stores.models import Store

from .selectors import (
    HISTOGRAMS,
    Query,
    Sums,
    add_sums,
    grouped_sums,
    histogram,
    quantile,
    ratio,
    repeat_offenders,
)

Z95 = 1.96
MIN_CASES = 20


def wilson(part: int, whole: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of part / whole (95 % by default)."""
    if not whole:
        return (0.0, 1.0)
    p = part / whole
    centre = p + z * z / (2 * whole)
    spread = z * math.sqrt(p * (1 - p) / whole + z * z / (4 * whole * whole))
    denominator = 1 + z * z / whole
    return ((centre - spread) / denominator, (centre + spread) / denominator)


def store_outliers(query: Query, *, min_cases: int = MIN_CASES) -> dict:
    """Stores whose intervention rate is surely above their category's, and
    the repeat offenders among the stores the filters keep.

    A store is listed when it has at least `min_cases` cases and the lower end
    of its 95 % interval is above its category's rate; the list is ranked by
    excess interventions: how many more than the category's rate predicts.
    Each row says whether the store is also a repeat offender
    (`reports.selectors.repeat_offender`); `repeat_offenders` lists them all,
    most merchant-at-fault rulings first.
    """
    by_store = {
        k[0]: v
        for k, v in grouped_sums(
            query, "store", names=("cases", "interventions")
        ).items()
    }
    offenders = repeat_offenders(query)
    stores = {
        s["pk"]: s
        for s in Store.objects.filter(pk__in=[*by_store, *offenders]).values(
            "pk", "name", "category_id", "category__name", "region"
        )
    }
    categories: dict[int, Sums] = defaultdict(dict)
    for store_id, sums in by_store.items():
        if store_id in stores:
            add_sums(categories[stores[store_id]["category_id"]], sums)
    rows, considered = [], 0
    for store_id, sums in by_store.items():
        cases, interventions = sums.get("cases", 0), sums.get("interventions", 0)
        store = stores.get(store_id)
        if store is None or cases < min_cases:
            continue
        considered += 1
        category = categories[store["category_id"]]
        norm = category["interventions"] / category["cases"]
        low, high = wilson(interventions, cases)
        if low <= norm:
            continue
        rows.append(
            {
                **_store_columns(store),
                "cases": cases,
                "interventions": interventions,
                "intervention_rate": ratio(interventions, cases),
                "low": round(low, 4),
                "high": round(high, 4),
                "category_rate": round(norm, 4),
                "excess": round(interventions - cases * norm, 1),
                "repeat_offender": store_id in offenders,
            }
        )
    rows.sort(key=lambda r: (-r["excess"], r["store_id"]))
    return {
        "rows": rows,
        "considered": considered,
        "min_cases": min_cases,
        "repeat_offenders": _offender_rows(offenders, stores),
    }


def _store_columns(store: dict) -> dict:
    return {
        "store_id": store["pk"],
        "store": store["name"],
        "region": store["region"],
        "category": store["category__name"] or "",
    }


def _offender_rows(offenders: dict[int, int], stores: dict[int, dict]) -> list:
    rows = [
        {**_store_columns(stores[store_id]), "merchant_liable": count}
        for store_id, count in offenders.items()
        if store_id in stores
    ]
    rows.sort(key=lambda r: (-r["merchant_liable"], r["store_id"]))
    return rows


def _expected(
    cells: dict, agent: int, part: str, whole: str, team: dict
) -> float | None:
    """What the agent's rate would be with the team's rate for each reason."""
    weight = expected = 0.0
    for (a, reason), sums in cells.items():
        if a != agent or not sums.get(whole):
            continue
        team_whole = team[reason].get(whole, 0)
        if team_whole:
            expected += sums[whole] * team[reason].get(part, 0) / team_whole
            weight += sums[whole]
    return round(expected / weight, 4) if weight else None


def _team_times(cells: dict, agent: int, time: str, team: dict) -> float | None:
    """The team's median time, re-weighted to the agent's mix of reasons."""
    mixed = [0.0] * len(histogram({}, time))
    for (a, reason), sums in cells.items():
        if a != agent:
            continue
        own = sum(histogram(sums, time))
        team_hist = histogram(team[reason], time)
        team_total = sum(team_hist)
        if own and team_total:
            for i, count in enumerate(team_hist):
                mixed[i] += own * count / team_total
    return quantile(mixed, 0.5)


AGENT_MEASURES = (
    "cases",
    "rulings",
    "buyer_wins",
    "appeals",
    "overturned",
    *HISTOGRAMS["pickup"],
    *HISTOGRAMS["ruling"],
)


def agent_consistency(query: Query, *, named: bool = False) -> dict:
    """Each agent's buyer-win and overturn rates and times against the team's
    for the same reasons (the same dispute should get the same answer).

    Each rate comes with its 95 % Wilson interval (`…_low`, `…_high`); a gap
    is flagged (`…_differs`) only when the team's rate for the agent's mix of
    reasons lies outside that interval: 17 rulings cannot tell a 15-point gap
    from chance, 200 can. `named` adds each agent's `name` (as shown) and
    `username` (one query) and sorts the rows by name.
    """
    cells = grouped_sums(query, "agent", "reason", names=AGENT_MEASURES)
    team: dict[str, Sums] = defaultdict(dict)
    agents: dict[int, Sums] = defaultdict(dict)
    for (agent, reason), sums in cells.items():
        if agent:
            add_sums(team[reason], sums)
            add_sums(agents[agent], sums)
    rows = []
    for agent, sums in agents.items():
        row: dict = {
            "agent_id": agent,
            "cases": sums.get("cases", 0),
            "rulings": sums.get("rulings", 0),
            "appeals": sums.get("appeals", 0),
        }
        for name, part, whole in RATES:
            rate = ratio(sums.get(part, 0), sums.get(whole, 0))
            norm = _expected(cells, agent, part, whole, team)
            row[f"{name}_rate"] = rate
            row[f"team_{name}_rate"] = norm
            row[f"{name}_gap"] = _gap(rate, norm)
            row.update(_interval(name, sums.get(part, 0), sums.get(whole, 0), norm))
        for time in ("pickup", "ruling"):
            row[f"{time}_p50"] = quantile(histogram(sums, time), 0.5)
            row[f"team_{time}_p50"] = _team_times(cells, agent, time, team)
        rows.append(row)
    if named:
        _name_agents(rows)
    return {"rows": rows}


def _name_agents(rows: list[dict]) -> None:
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in=[r["agent_id"] for r in rows]).only(
            "username", "display_name"
        )
    }
    for row in rows:
        user = users.get(row["agent_id"])
        row["name"] = str(user or row["agent_id"])
        row["username"] = user.username if user else None
    rows.sort(key=lambda r: r["name"])


# The agents' rates: (name, counted, out of).
RATES = (("buyer_win", "buyer_wins", "rulings"), ("overturn", "overturned", "appeals"))


def _interval(name: str, part: int, whole: int, norm: float | None) -> dict:
    """The 95 % Wilson interval of part / whole, and whether `norm` (the
    team's rate, same reasons) lies outside it; no interval without cases."""
    if not whole:
        return {f"{name}_low": None, f"{name}_high": None, f"{name}_differs": False}
    low, high = wilson(part, whole)
    return {
        f"{name}_low": round(low, 4),
        f"{name}_high": round(high, 4),
        f"{name}_differs": norm is not None and not low <= norm <= high,
    }


def _gap(value: float | None, norm: float | None) -> float | None:
    if value is None or norm is None:
        return None
    return round(value - norm, 4)


def last_months(today: date, count: int = 12) -> tuple[date, date]:
    """The first day of the month `count` - 1 months ago and this month's end."""
    first = today.replace(day=1)
    for _i in range(count - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    end = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first, end - timedelta(days=1)


STORE_FIGURES = (
    "dispute_rate",
    "intervention_rate",
    "hours_to_first_response_p50",
    "merchant_liability_rate",
)


STORE_MEASURES = (
    "orders",
    "cases",
    "interventions",
    "merchant_liable",
    *HISTOGRAMS["response"],
)


def _store_month(sums: Sums) -> dict:
    orders = sums.get("orders", 0)
    return {
        "orders": orders,
        "cases": sums.get("cases", 0),
        "dispute_rate": ratio(sums.get("cases", 0), orders),
        "intervention_rate": ratio(sums.get("interventions", 0), sums.get("cases", 0)),
        "hours_to_first_response_p50": quantile(histogram(sums, "response"), 0.5),
        "merchant_liability_rate": ratio(sums.get("merchant_liable", 0), orders),
    }


def store_against_category(*, store: Store, today: date, months: int = 12) -> dict:
    """A store's figures by month next to the median store of its category."""
    start, end = last_months(today, months)
    query = Query(
        group_by="month", date_from=start, date_to=end, category=store.category_id
    )
    cells = grouped_sums(query, "month", "store", names=STORE_MEASURES)
    by_month: dict[date, list[dict]] = defaultdict(list)
    own: dict[date, dict] = {}
    for (month, store_id), sums in cells.items():
        figures = _store_month(sums)
        by_month[month].append(figures)
        if store_id == store.pk:
            own[month] = figures
    rows = []
    month = start
    while month <= end:
        peers = by_month.get(month, [])
        mine = own.get(month) or _store_month({})
        medians = {}
        for name in STORE_FIGURES:
            values = [p[name] for p in peers if p[name] is not None]
            medians[name] = round(median(values), 4) if values else None
        rows.append({"month": month, **mine, "median": medians, "peers": len(peers)})
        month = (month + timedelta(days=32)).replace(day=1)
    return {"rows": rows, "date_from": start, "date_to": end}


__all__ = ["agent_consistency", "store_against_category", "store_outliers"]
