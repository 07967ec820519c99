"""Every report figure, computed once from the rollups; pages, CSV and API share it.

Nothing here reads the case table: sums come from the smallest rollup cuboid
that keeps the dimensions a question needs (`reports.cuboids`), and the
figures are derived from those sums by `figures()`. By concern:

- `query`: what a report asks (`Query`) and the names the modules share;
- `periods`: windows and periods, and which grain reads each part of a window;
- `sums`: reading the rollups (summed measures per group);
- `rollup_sql`: the one hand-built SQL query, kept for speed (see its header);
- `figures`: the one definition of every figure (rates, percentiles);
- `summary`: every figure per group, with totals, labels and definitions;
- `stores`: a store's figures for the other apps' pages (the case page's
  history, a merchant's answers, the workbench's store figures by window)
  and the one definition of a repeat offender (`repeat_offender`).

Callers import from `reports.selectors`, which re-exports the public names.
"""

from .figures import (
    FIGURE_COUNTS,
    FIGURE_MEASURES,
    FIGURES,
    HISTOGRAMS,
    figure_reader,
    figures,
    histogram,
    percentile,
    quantile,
    rate_decimal,
    ratio,
)
from .periods import _windows, last_days, period_start
from .query import GROUP_BY, PERIODS, Figures, Key, Query, Row, Sums
from .stores import (
    HISTORY_MEASURES,
    REPEAT_OFFENDER_DAYS,
    REPEAT_OFFENDER_RULINGS,
    RESPONSE_MEASURES,
    STORE_WINDOWS,
    buyer_history,
    merchant_response_figures,
    repeat_offender,
    repeat_offender_rule,
    repeat_offenders,
    store_figures_by_window,
    store_history,
    store_is_repeat_offender,
)
from .summary import _key_names, format_key, summary, totals
from .sums import add_sums, grouped_sums

__all__ = [
    "FIGURES",
    "FIGURE_COUNTS",
    "FIGURE_MEASURES",
    "GROUP_BY",
    "HISTOGRAMS",
    "HISTORY_MEASURES",
    "PERIODS",
    "REPEAT_OFFENDER_DAYS",
    "REPEAT_OFFENDER_RULINGS",
    "RESPONSE_MEASURES",
    "STORE_WINDOWS",
    "Figures",
    "Key",
    "Query",
    "Row",
    "Sums",
    "_key_names",  # tests/reports/test_sums.py
    "_windows",  # tests/reports/test_report_math.py
    "add_sums",
    "buyer_history",
    "figure_reader",
    "figures",
    "format_key",
    "grouped_sums",
    "histogram",
    "last_days",
    "merchant_response_figures",
    "percentile",
    "period_start",
    "quantile",
    "rate_decimal",
    "ratio",
    "repeat_offender",
    "repeat_offender_rule",
    "repeat_offenders",
    "store_figures_by_window",
    "store_history",
    "store_is_repeat_offender",
    "summary",
    "totals",
]
