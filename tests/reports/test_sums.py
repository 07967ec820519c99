"""Totals add every row's measures, whatever measures each row holds."""

import pytest

from reports.selectors import FIGURE_MEASURES, GROUP_BY, Query, summary, total_of
from tests.factories import case_in_state


def test_rows_with_the_same_measures_are_added_column_by_column():
    rows = [{"cases": 2, "interventions": 1}, {"cases": 3, "interventions": 0}]
    assert total_of(rows) == {"cases": 5, "interventions": 1}


def test_rows_with_other_measures_are_added_too():
    rows = [
        {"cases": 2, "interventions": 1},
        {},  # an empty period
        {"orders": 7},  # fewer measures
        {"cases": 1, "orders": 4},  # as many measures, not the same ones
        {"cases": 1, "interventions": 1, "orders": 1},  # more
    ]
    assert total_of(rows) == {"cases": 4, "interventions": 2, "orders": 12}


def test_no_rows_total_nothing():
    assert total_of([]) == {}
    assert total_of([{}, {}]) == {}


@pytest.mark.django_db
@pytest.mark.parametrize("group", GROUP_BY)
def test_the_figures_read_from_their_measures_alone_are_the_same(group):
    for state in ("negotiation", "complaint", "ruled", "appeal", "closed"):
        case_in_state(state)
    query = Query(group_by=group)
    whole, lean = summary(query), summary(query, names=FIGURE_MEASURES)

    def shown(report):
        rows = [*report["rows"], report["totals"]]
        return [{k: v for k, v in r.items() if k != "_sums"} for r in rows]

    assert shown(lean) == shown(whole)
    assert whole["totals"]["cases"] == 5
