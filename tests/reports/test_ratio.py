"""Rates are rounded half-even to four places, whatever the counts."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.selectors import ratio


def decimal_ratio(part: int, whole: int) -> float:
    """The definition: the exact quotient, rounded half-even to 0.0001."""
    return float((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")))


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 2, 0.5),
        (1, 3, 0.3333),
        (2, 3, 0.6667),
        (1, 20_000, 0.0),  # a tie rounds to the even digit: 0.0000
        (3, 20_000, 0.0002),  # 0.00015: a tie, up to the even 2
        (5, 20_000, 0.0002),  # 0.00025: a tie, down to the even 2
        (0, 7, 0.0),
        (7, 7, 1.0),
        (3_000, 1_000, 3.0),
    ],
)
def test_ratio_rounds_half_even_to_four_places(part, whole, expected):
    assert ratio(part, whole) == expected


@pytest.mark.parametrize("whole", [0, None])
def test_ratio_without_a_denominator_is_none(whole):
    assert ratio(5, whole) is None


@given(
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=1, max_value=10**9),
)
def test_ratio_equals_the_decimal_definition(part, whole):
    assert ratio(part, whole) == decimal_ratio(part, whole)


@given(st.integers(min_value=1, max_value=10**6), st.data())
def test_ratio_equals_the_decimal_definition_near_ties(whole, data):
    # Parts whose quotient lands on or next to a half of the last place.
    tie = data.draw(st.integers(min_value=0, max_value=20_000))
    part = max(0, (tie * whole) // 20_000 + data.draw(st.integers(-1, 1)))
    assert ratio(part, whole) == decimal_ratio(part, whole)
