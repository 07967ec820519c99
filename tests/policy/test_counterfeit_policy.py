"""假一赔三 values from the policy.

On a counterfeit claim the case's policy version (the one recorded when it
opened) sets the compensation multiple and minimum; the cited rule version's
value applies only where the policy leaves one unset. The case's terms
(本单适用规则) and the ruling's wording name where each value came from.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from core.errors import ValidationFailed
from disputes import services
from disputes.choices import Reason
from disputes.models import Dispute, PlatformRule
from disputes.policy import case_terms, compensation_terms, ruling_compensation_text
from orders.models import Refund
from tests.factories import OrderFactory, agent, policy_set, supervisor

pytestmark = pytest.mark.django_db
D = Decimal
RULE = "假冒商品处理规则（假一赔三）"


def _rule(multiple: str | None = "3", minimum: str | None = "500.00"):
    return PlatformRule.objects.create(
        code="counterfeit",
        version=2,
        title=RULE,
        text="经核实为假冒商品的，商家退还货款并按货款三倍赔付。",
        compensation_multiple=D(multiple) if multiple else None,
        compensation_minimum=D(minimum) if minimum else None,
    )


def _case_for_ruling(amount: str, reason: str = Reason.COUNTERFEIT, **policy):
    """A claim for `amount` opened under a policy of `policy` (business line
    level), taken by an agent."""
    order = OrderFactory(total=D("2000.00"))
    if policy:
        policy_set(order.store.category.code, **policy)
    case = services.dispute_open(
        actor=order.buyer,
        order=order,
        reason=reason,
        remedy="refund_only",
        amount=D(amount),
        description="鉴定为假货",
    )
    services.dispute_reject(dispute=case, actor=order.store.owner, reason="正品")
    services.dispute_request_intervention(dispute=case, actor=order.buyer)
    handler = agent()
    services.dispute_take(dispute=case, actor=handler)
    return Dispute.objects.get(pk=case.pk), handler


def _rule_for_buyer(case, handler, rule, amount: str) -> Dispute:
    return services.dispute_rule(
        dispute=case,
        actor=handler,
        outcome="buyer",
        liability="merchant",
        rule=rule,
        amount=D(amount),
        reasoning="鉴定报告显示为假冒商品",
        compensation=True,
    )


# (claim, rule multiple/minimum, policy values) -> compensation, and where the
# multiple and the minimum came from.
TABLE = [
    ("100.00", ("3", "500.00"), {}, "500.00", ("rule", "rule")),
    (
        "100.00",
        ("3", "500.00"),
        {"counterfeit_multiple": "4", "counterfeit_minimum": "1000.00"},
        "1000.00",
        ("policy", "policy"),
    ),
    (
        "300.00",
        ("3", "500.00"),
        {"counterfeit_multiple": "4", "counterfeit_minimum": "1000.00"},
        "1200.00",
        ("policy", "policy"),
    ),
    # The policy sets only the multiple: the rule's minimum fills in.
    (
        "100.00",
        ("3", "500.00"),
        {"counterfeit_multiple": "4"},
        "500.00",
        ("policy", "rule"),
    ),
    (
        "200.00",
        ("3", "500.00"),
        {"counterfeit_multiple": "4"},
        "800.00",
        ("policy", "rule"),
    ),
    # ...only the minimum: the rule's multiple.
    (
        "100.00",
        ("3", "500.00"),
        {"counterfeit_minimum": "1000.00"},
        "1000.00",
        ("rule", "policy"),
    ),
    # A rule without compensation: the policy still provides it.
    (
        "100.00",
        (None, None),
        {"counterfeit_multiple": "4", "counterfeit_minimum": "1000.00"},
        "1000.00",
        ("policy", "policy"),
    ),
]


@pytest.mark.parametrize(("claim", "rule", "policy", "paid", "origins"), TABLE)
def test_the_policy_governs_the_compensation(claim, rule, policy, paid, origins):
    case, handler = _case_for_ruling(claim, **policy)
    cited = _rule(*rule)
    terms = compensation_terms(case, cited)
    assert (terms.multiple.origin, terms.minimum.origin) == origins
    ruled = _rule_for_buyer(case, handler, cited, claim)
    assert ruled.ruling.compensation_amount == D(paid)
    lines = {r.kind: r.amount for r in Refund.objects.filter(dispute=case)}
    assert lines == {"refund": D(claim), "buyer_compensation": D(paid)}


def test_other_reasons_keep_the_rule_values():
    """The policy's 假一赔三 values are for counterfeit claims only."""
    case, handler = _case_for_ruling(
        "100.00",
        reason=Reason.QUALITY,
        counterfeit_multiple="4",
        counterfeit_minimum="1000.00",
    )
    ruled = _rule_for_buyer(case, handler, _rule(), "100.00")
    assert ruled.ruling.compensation_amount == D("500.00")


def test_no_compensation_where_neither_provides_it():
    case, handler = _case_for_ruling("100.00")
    with pytest.raises(ValidationFailed) as refused:
        _rule_for_buyer(case, handler, _rule(None, None), "100.00")
    assert "compensation" in refused.value.errors
    assert not Refund.objects.filter(dispute=case).exists()


def test_the_case_keeps_the_values_of_the_version_it_opened_under():
    case, handler = _case_for_ruling(
        "100.00", counterfeit_multiple="4", counterfeit_minimum="1000.00"
    )
    policy_set(
        case.store.category.code, counterfeit_multiple="10", counterfeit_minimum="1"
    )
    ruled = _rule_for_buyer(case, handler, _rule(), "100.00")
    assert ruled.ruling.compensation_amount == D("1000.00")


def test_an_overturn_computes_with_the_policy_too():
    case, handler = _case_for_ruling(
        "100.00", counterfeit_multiple="4", counterfeit_minimum="1000.00"
    )
    cited = _rule()
    services.dispute_rule(
        dispute=case,
        actor=handler,
        outcome="merchant",
        liability="none",
        rule=cited,
        reasoning="证据不足",
    )
    services.dispute_appeal(dispute=case, actor=case.buyer, reason="有鉴定报告")
    overturned = services.dispute_overturn(
        dispute=case,
        actor=supervisor(),
        outcome="buyer",
        liability="merchant",
        rule=cited,
        amount=D("100.00"),
        reasoning="鉴定报告属实",
        compensation=True,
    )
    assert overturned.appeal_record.buyer_compensation_amount == D("1000.00")
    paid = Refund.objects.filter(dispute=case, kind="buyer_compensation")
    assert [r.amount for r in paid] == [D("1000.00")]


def test_the_terms_and_the_ruling_name_where_each_value_came_from(client):
    case, handler = _case_for_ruling("100.00", counterfeit_multiple="4")
    version = case.policy_version.version
    with translation.override("en"):
        before = {r["name"]: r for r in case_terms(case)}
        assert before["counterfeit_multiple"]["value"] == "×4"
        assert before["counterfeit_multiple"]["source"] == (
            f"policy: business line · version {version}"
        )
        assert before["counterfeit_minimum"]["source"] == "the rule the ruling cites"
    ruled = _rule_for_buyer(case, handler, _rule(), "100.00")
    with translation.override("en"):
        after = {r["name"]: r for r in case_terms(ruled)}
    assert after["counterfeit_minimum"]["value"] == "¥500.00"
    assert after["counterfeit_minimum"]["source"] == f"rule: {RULE} (version 2)"
    client.force_login(case.buyer)
    page = client.get(case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert (
        f"4 times the price (policy: business line · version {version}), at least "
        f"¥500.00 (rule: {RULE} (version 2)), on top of the refund"
    ) in page.content.decode()


@pytest.mark.parametrize(
    ("policy", "wording"),
    [
        (
            {"counterfeit_multiple": "4", "counterfeit_minimum": "1000.00"},
            "4 times the price, at least ¥1000.00 (policy: business line · "
            "version {v}), on top of the refund",
        ),
        (
            {},
            f"3 times the price, at least ¥500.00 (rule: {RULE} (version 2)), on "
            "top of the refund",
        ),
    ],
)
def test_one_source_is_named_once(policy, wording):
    case, handler = _case_for_ruling("100.00", **policy)
    ruled = _rule_for_buyer(case, handler, _rule(), "100.00")
    version = case.policy_version.version if case.policy_version else None
    with translation.override("en"):
        text = ruling_compensation_text(ruled, ruled.ruling)
    assert text == wording.format(v=version)
