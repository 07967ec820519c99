"""A case whose problem the store cannot judge without the buyer's account
opens only with a description, however it is opened (the rule lives in
`case_create`; the buyer's form and the API ask the same rule)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import ValidationFailed
from disputes import services
from disputes.choices import Channel, Reason
from disputes.models import Dispute
from tests.factories import OrderFactory, agent, case_in_state

pytestmark = pytest.mark.django_db

# The specification, spelled out: does this reason need a description?
NEEDS_DESCRIPTION = {
    "quality": True,
    "not_as_described": True,
    "not_received": False,
    "damaged": True,
    "missing_parts": True,
    "counterfeit": True,
    "no_reason": False,
    "return_exchange": False,
    "other": True,
}
DESCRIPTIONS = {"empty": "", "whitespace": " \t\n\u3000", "text": "衣服有破洞"}
# Reasons a refund-only claim on any order may open with (no_reason has its
# own rule and remedies, return_exchange opens no new case: tests/disputes/
# test_goods_open.py).
TABLE = [
    pytest.param(reason, text, needs and not text.strip(), id=f"{reason}-{kind}")
    for reason, needs in NEEDS_DESCRIPTION.items()
    for kind, text in DESCRIPTIONS.items()
    if reason not in ("no_reason", "return_exchange")
]


def test_the_table_decides_every_reason():
    assert set(NEEDS_DESCRIPTION) == set(Reason.values)


def open_as_buyer(order, reason: str, description: str) -> Dispute:
    return services.dispute_open(
        actor=order.buyer, order=order, reason=reason, remedy="refund_only",
        amount=Decimal("10.00"), description=description,
    )  # fmt: skip


def open_for_buyer(order, reason: str, description: str) -> Dispute:
    return services.dispute_open_for_buyer(
        actor=agent(), order=order, reason=reason, remedy="refund_only",
        amount=Decimal("10.00"), channel=Channel.PHONE, description=description,
    )  # fmt: skip


@pytest.mark.parametrize("opener", [open_as_buyer, open_for_buyer])
@pytest.mark.parametrize("reason, description, refused", TABLE)
def test_a_description_is_required_where_the_reason_needs_it(
    opener, reason, description, refused
):
    order = OrderFactory()
    if refused:
        with pytest.raises(ValidationFailed) as error:
            opener(order, reason, description)
        assert set(error.value.errors) == {"description"}
        assert not Dispute.objects.filter(order=order).exists()
    else:
        case = opener(order, reason, description)
        assert case.description == description.strip()


@pytest.mark.parametrize(
    "field, value",
    [("reason", "bogus"), ("remedy", "bogus"), ("amount", Decimal("0.00")),
     ("amount", Decimal("-5.00"))],
)  # fmt: skip
def test_the_service_refuses_details_the_forms_would_refuse(field, value):
    order = OrderFactory()
    details = {"reason": "not_received", "remedy": "refund_only",
               "amount": Decimal("10.00"), field: value}  # fmt: skip
    with pytest.raises(ValidationFailed) as error:
        services.dispute_open(actor=order.buyer, order=order, **details)
    assert set(error.value.errors) == {field}
    assert not Dispute.objects.exists()


# Amounts the forms and the API refuse (they ask for at least 0.01) are refused
# by the services too, for any other caller (macros, scripts, the admin).
AMOUNT_ACTIONS = [
    ("negotiation", "merchant", "dispute_offer", {"note": "八折"}),
    ("mediation", "agent", "dispute_propose", {"note": "各退一步"}),
    ("verification", "agent", "dispute_rule",
     {"outcome": "buyer", "liability": "merchant", "reasoning": "照片为证"}),
]  # fmt: skip


@pytest.mark.parametrize("amount", [Decimal("0.00"), Decimal("-1.00")])
@pytest.mark.parametrize("state, who, service, fields", AMOUNT_ACTIONS)
def test_an_action_amount_must_be_more_than_zero(state, who, service, fields, amount):
    story = case_in_state(state)
    if service == "dispute_rule":
        fields = {**fields, "rule": story.rule}
    version = story.case.version
    with pytest.raises(ValidationFailed) as error:
        getattr(services, service)(
            dispute=story.case, actor=getattr(story, who), amount=amount, **fields
        )
    assert set(error.value.errors) == {"amount"}
    assert story.refresh().version == version
