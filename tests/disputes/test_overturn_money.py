"""The money of an overturn, for any ruling and any new decision: the merchant
bears exactly the new decision, the buyer never loses money on an appeal
(nothing is clawed back), and the platform pays the merchant the rest."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disputes.rules_pure import OverturnMoney, overturn_money

D = Decimal
ZERO = D("0.00")
money = st.decimals(min_value=0, max_value=100_000, places=2)


@pytest.mark.parametrize(
    "outcome, awarded, refunded, due, paid, expected",
    [
        # A larger buyer amount: the merchant refunds the difference.
        ("buyer", "150.00", "60.00", "0", "0", ("90.00", "0", "0")),
        # A merchant win after a refund: the platform pays the merchant back.
        ("merchant", "0", "100.00", "0", "0", ("0", "0", "100.00")),
        # ...and the compensation the merchant paid under the ruling.
        ("merchant", "0", "120.00", "0", "500.00", ("0", "0", "620.00")),
        # A smaller buyer amount: the excess comes back from the platform.
        ("buyer", "120.00", "299.00", "500.00", "897.00", ("0", "0", "576.00")),
        # Compensation awarded on appeal only: the merchant pays it.
        ("buyer", "120.00", "120.00", "500.00", "0", ("0", "500.00", "0")),
        # Nothing changes: nothing moves.
        ("buyer", "80.00", "80.00", "0", "0", ("0", "0", "0")),
    ],
)
def test_the_table(outcome, awarded, refunded, due, paid, expected):
    got = overturn_money(
        outcome=outcome,
        awarded=D(awarded),
        refunded=D(refunded),
        compensation_due=D(due),
        compensation_paid=D(paid),
    )
    assert got == OverturnMoney(*(D(x) for x in expected))


@given(
    buyer_wins=st.booleans(),
    awarded=money,
    refunded=money,
    due=money,
    paid=money,
)
def test_the_merchant_bears_the_decision_and_the_buyer_loses_nothing(
    buyer_wins, awarded, refunded, due, paid
):
    outcome = "buyer" if buyer_wins else "merchant"
    got = overturn_money(
        outcome=outcome,
        awarded=awarded,
        refunded=refunded,
        compensation_due=due,
        compensation_paid=paid,
    )
    assert min(got) >= ZERO
    final_refund, final_comp = (awarded, due) if buyer_wins else (ZERO, ZERO)
    merchant_pays = refunded + paid + got.refund + got.buyer_compensation
    assert merchant_pays - got.platform_compensation == final_refund + final_comp
    buyer_has = refunded + paid + got.refund + got.buyer_compensation
    assert buyer_has >= refunded + paid  # nothing clawed back
    assert buyer_has >= final_refund + final_comp  # at least the decision
