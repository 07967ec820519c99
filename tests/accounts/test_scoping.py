"""Who sees which cases and orders: the scoping module, role by role."""

import pytest

from core.errors import NotVisible
from disputes import services
from disputes.selectors import visible_disputes
from orders.selectors import visible_orders
from tests.factories import (
    DisputeFactory,
    StoreFactory,
    UserFactory,
    agent,
    buyer,
    manager,
    merchant,
    supervisor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    mine, other = StoreFactory(), StoreFactory()
    staff = merchant()
    mine.staff.add(staff)
    a = DisputeFactory(order__store=mine)
    b = DisputeFactory(order__store=other)
    return {"mine": mine, "staff": staff, "a": a, "b": b}


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("buyer_a", {"a"}),
        ("owner", {"a"}),
        ("store_staff", {"a"}),
        ("other_merchant", set()),
        ("agent", {"a", "b"}),
        ("supervisor", {"a", "b"}),
        ("manager", {"a", "b"}),
        ("no_role", set()),
    ],
)
def test_visible_cases_and_orders(world, who, sees):
    user = {
        "buyer_a": world["a"].buyer,
        "owner": world["mine"].owner,
        "store_staff": world["staff"],
        "other_merchant": merchant(),
        "agent": agent(),
        "supervisor": supervisor(),
        "manager": manager(),
        "no_role": UserFactory(),
    }[who]
    expected = {world[k].pk for k in sees}
    assert set(visible_disputes(user).values_list("pk", flat=True)) == expected
    orders = {world[k].order_id for k in sees}
    assert set(visible_orders(user).values_list("pk", flat=True)) == orders


def test_actions_on_invisible_cases_answer_not_found(world):
    with pytest.raises(NotVisible):
        services.dispute_withdraw(dispute=world["a"], actor=buyer())
    with pytest.raises(NotVisible):
        services.dispute_reject(dispute=world["a"], actor=merchant(), reason="x")
