"""The summary reads its sums as tuples; the figures are the same as from the
named sums, whatever measures are read and in whatever order."""

from collections import Counter

import pytest

from reports.measures import CASE_MEASURES
from reports.selectors import (
    FIGURE_MEASURES,
    GROUP_BY,
    PERIODS,
    Query,
    figure_reader,
    figures,
    format_key,
    grouped_sums,
    summary,
)
from reports.selectors import _key_names as key_names
from tests.factories import case_in_state


@pytest.fixture
def cases():
    for state in ("negotiation", "complaint", "ruled", "appeal", "closed"):
        case_in_state(state)


def _figures_only(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in ("key", "label")}


@pytest.mark.django_db
@pytest.mark.parametrize("group", [g for g in GROUP_BY if g not in PERIODS])
def test_every_row_has_the_figures_of_its_named_sums(cases, group):
    """Each row equals `figures()` over that group's sums read by name, with
    every measure (not only the ones the figures read)."""
    report = summary(Query(group_by=group))
    by_name = grouped_sums(Query(group_by=group), group, names=CASE_MEASURES)
    orders = grouped_sums(Query(group_by=group), group, names=("orders",))
    got = {row["key"]: _figures_only(row) for row in report["rows"]}
    per_order = group not in ("agent", "reason")
    names = key_names(group, [key for (key,) in by_name])
    expected = {}
    for (key,), sums in by_name.items():
        count = orders.get((key,), {}).get("orders", 0) if per_order else None
        if group == "reason":
            count = report["totals"]["orders"]
        expected[format_key(group, key, names)] = figures(sums, count)
    assert got == expected
    assert report["totals"]["cases"] == 5


@pytest.mark.django_db
@pytest.mark.parametrize("group", GROUP_BY)
def test_the_totals_are_the_figures_of_the_summed_rows(cases, group):
    report = summary(Query(group_by=group))
    sums: Counter = Counter()
    for row_sums in grouped_sums(Query(group_by=group), group).values():
        sums.update(row_sums)
    orders = None if group == "agent" else sums.pop("orders", 0)
    if group == "reason":
        orders = report["totals"]["orders"]
    assert _figures_only(report["totals"]) == figures(sums, orders) | {"orders": orders}


def test_the_reader_puts_any_order_of_measures_in_the_figures_order():
    names = tuple(reversed(CASE_MEASURES))
    values = tuple(range(1, len(names) + 1))
    by_name = dict(zip(names, values, strict=True))
    counts = figure_reader(names)(values)
    assert counts == tuple(by_name[n] for n in FIGURE_MEASURES[:-1])


def test_a_measure_not_read_counts_zero():
    counts = figure_reader(("interventions", "cases"))((3, 7))
    assert counts[:2] == (7, 3)
    assert not any(counts[2:])
