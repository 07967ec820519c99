"""The bulk seeder draws goods stories too: about 30 % of the drawn claims
ask for a return, an exchange or a resend, every goods step has cases, and
the closed ones carry their parcels and the money that followed the goods."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Q

from demo import seeding as demo
from demo.stories import NAMES
from disputes.choices import GOODS_REMEDIES, Direction, ReturnStep
from disputes.models import Dispute, DisputeEvent, Shipment
from orders.models import Refund

pytestmark = pytest.mark.django_db

CASES = 600


@pytest.fixture
def drawn():
    """The drawn cases of a bulk demo (the goods showcase's orders end in G)."""
    demo.seed_demo(cases=CASES, batch_size=250, method="bulk", seed=7)
    return Dispute.objects.exclude(order__number__endswith="G")


def test_about_a_third_of_the_drawn_claims_move_goods(drawn):
    assert drawn.count() == CASES
    goods = drawn.filter(remedy__in=GOODS_REMEDIES)
    # The first rounds (the demo accounts' cases) settle money only.
    assert not goods.filter(pk__in=drawn.order_by("pk")[: 2 * len(NAMES)])
    assert 0.25 * CASES <= goods.count() <= 0.35 * CASES
    assert set(goods.values_list("remedy", flat=True)) == set(GOODS_REMEDIES)


def test_every_goods_step_has_drawn_cases_and_each_parcel_its_row(drawn):
    steps = Counter(drawn.values_list("return_step", flat=True))
    assert set(steps) == {"", *ReturnStep.values}
    for case in drawn.filter(state="returning"):
        assert case.step_due_at is not None and case.deadline_kind
    shipped = Counter(
        Shipment.objects.filter(dispute__in=drawn).values_list("direction", flat=True)
    )
    parcels = Counter(
        DisputeEvent.objects.filter(
            dispute__in=drawn, action__in=["ship_return", "ship_replacement"]
        ).values_list("action", flat=True)
    )
    assert shipped[Direction.RETURN] == parcels["ship_return"] > 0
    assert shipped[Direction.REPLACEMENT] == parcels["ship_replacement"] > 0


def test_closed_goods_cases_went_through_the_goods_and_the_money_followed(drawn):
    closed = drawn.filter(state="closed", remedy__in=GOODS_REMEDIES)
    assert set(closed.values_list("resolution", flat=True)) == {
        "agreed",
        "return_lapsed",
    }
    for case in closed.exclude(resolution="return_lapsed"):
        directions = set(case.shipments.values_list("direction", flat=True))
        want = {"return_refund": {"return"}, "exchange": {"return", "replacement"}}
        assert directions == want.get(case.remedy, {"replacement"})
        paid = Refund.objects.filter(dispute=case).values_list("amount", flat=True)
        assert list(paid) == ([case.amount] if case.amount else [])
        assert case.held_amount is None
    lapsed = closed.filter(resolution="return_lapsed")
    assert lapsed.exists()
    assert not Refund.objects.filter(dispute__in=lapsed).exists()
    held = drawn.filter(state="returning", remedy="return_refund")
    assert held.exists()
    assert not held.filter(Q(held_amount__isnull=True) | Q(held_amount=Decimal(0)))
    assert drawn.filter(events__action="auto_accept").exists()
