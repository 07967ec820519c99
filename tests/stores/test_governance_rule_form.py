"""A new version of the governance rule: published by a supervisor or a
manager from the workbench form (through `rule_new`), at least 7 days ahead,
checked before anything is written, and readable on the rules pages with
what it changed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from core.errors import ActionNotPermitted, ValidationFailed
from stores.governance import DEFAULT_RULE, rule_errors, rule_in_force, rule_new
from stores.models import GovernanceRule
from tests import factories as f

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 7, 15, 30, tzinfo=SH)  # a Monday afternoon
NEW = "/admin/stores/governancerule/new/"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        rule_in_force()  # version 1
        yield


# (in force from, published?)
NOTICE = [
    (datetime(2026, 12, 8, 0, 0, tzinfo=SH), False),  # tomorrow
    (datetime(2026, 12, 13, 23, 59, tzinfo=SH), False),  # 6 days ahead
    (datetime(2026, 12, 14, 0, 0, tzinfo=SH), True),  # the 7th day, 00:00
    (datetime(2027, 1, 1, 0, 0, tzinfo=SH), True),
]


@pytest.mark.parametrize(("effective", "published"), NOTICE)
def test_at_least_seven_days_ahead(effective, published):
    boss = f.supervisor()
    if published:
        assert rule_new(actor=boss, effective_from=effective, note="x").version == 2
        return
    with pytest.raises(ValidationFailed) as refused:
        rule_new(actor=boss, effective_from=effective, note="x")
    assert refused.value.message == (
        "A new version is published at least 7 days ahead: choose 2026-12-14 or later."
    )
    assert GovernanceRule.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("agent", False), ("merchant", False), ("supervisor", True), ("manager", True)],
)
def test_who_publishes(role, allowed):
    user = getattr(f, role)()
    later = datetime(2026, 12, 20, tzinfo=SH)
    if allowed:
        assert rule_new(actor=user, effective_from=later, note="x").version == 2
    else:
        with pytest.raises(ActionNotPermitted):
            rule_new(actor=user, effective_from=later, note="x")


def _with(**changes):
    return {**DEFAULT_RULE, **changes}


# (changed fields, the field refused)
BAD = [
    ({"thresholds": {**DEFAULT_RULE["thresholds"], "warning": 90}}, "thresholds"),
    ({"thresholds": {**DEFAULT_RULE["thresholds"], "delisted": -1}}, "thresholds"),
    ({"thresholds": {"watch": 85}}, "thresholds"),
    ({"figures": [{**x, "weight": 0} for x in DEFAULT_RULE["figures"]]}, "figures"),
    ({"figures": DEFAULT_RULE["figures"][:4]}, "figures"),
    ({"figures": [{**x, "acceptable": 2} for x in DEFAULT_RULE["figures"]]}, "figures"),
    ({"min_orders": 0}, "min_orders"),
    ({"window_days": 30, "wide_window_days": 20}, "wide_window_days"),
]


@pytest.mark.parametrize(("changes", "field"), BAD)
def test_bad_values_are_refused_and_nothing_is_written(changes, field):
    assert list(rule_errors(_with(**changes))) == [field]
    with pytest.raises(ValidationFailed) as refused:
        rule_new(
            actor=f.supervisor(), effective_from=datetime(2027, 1, 1, tzinfo=SH),
            note="x", **changes,
        )  # fmt: skip
    assert list(refused.value.errors) == [field]
    assert GovernanceRule.objects.count() == 1


def test_default_rule_is_valid():
    assert rule_errors(DEFAULT_RULE) == {}


def form_data(**changes) -> dict:
    data = {
        "effective_from": "2026-12-14",
        "note": "加重商家责任率",
        "min_orders": 30,
        "window_days": 30,
        "wide_window_days": 90,
        "appeal_working_days": 3,
    }
    for spec in DEFAULT_RULE["figures"]:
        data[f"weight_{spec['name']}"] = spec["weight"]
        data[f"acceptable_{spec['name']}"] = spec["acceptable"]
    for tier, score in DEFAULT_RULE["thresholds"].items():
        data[f"threshold_{tier}"] = score
    return {**data, **changes}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_form_publishes_a_version_shown_with_its_diff():
    client = signed_in(f.supervisor())
    page = client.get(NEW, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="weight_dispute_rate" value="25"' in page
    assert 'name="effective_from" value="2026-12-14"' in page
    response = client.post(
        NEW,
        form_data(
            weight_dispute_rate=30, weight_merchant_liability_rate=25,
            threshold_watch=88, min_orders=50,
        ),
    )  # fmt: skip
    assert response.status_code == 302
    assert response.url == "/disputes/rules/store-governance/v2/"
    rule = GovernanceRule.objects.get(version=2)
    assert rule.effective_from == datetime(2026, 12, 14, tzinfo=SH)
    assert (rule.thresholds["watch"], rule.min_orders) == (88, 50)
    assert [x["weight"] for x in rule.figures] == [30, 25, 20, 15, 10]
    assert rule.note == "加重商家责任率"
    assert rule_in_force().version == 1  # not before the 14th
    shown = (
        signed_in(f.buyer())
        .get(response.url, HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    for row in (
        "Dispute rate: weight 25 → 30",
        "Merchant-liability rate: weight 30 → 25",
        "Watch (reminder): below 85 → below 88",
        "Orders needed for a score: 30 → 50",
    ):
        assert row in shown, row
    assert shown.count('class="diff-changed"') == 4
    assert 'data-testid="upcoming"' in shown
    assert "加重商家责任率" in shown
    rules = signed_in(f.buyer()).get("/disputes/rules/", HTTP_ACCEPT_LANGUAGE="en")
    text = rules.content.decode()
    assert 'data-testid="governance-rule"' in text
    assert "/disputes/rules/store-governance/v1/" in text  # the one in force


def test_too_soon_is_refused_with_a_clear_error():
    client = signed_in(f.manager())
    response = client.post(
        NEW, form_data(effective_from="2026-12-10"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert (
        "A new version is published at least 7 days ahead: choose 2026-12-14 or later."
        in response.content.decode()
    )
    assert GovernanceRule.objects.count() == 1


def test_bad_thresholds_keep_the_form_with_the_reason():
    client = signed_in(f.supervisor())
    response = client.post(
        NEW, form_data(threshold_warning=90), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert 'data-testid="rule-errors"' in response.content.decode()
    assert GovernanceRule.objects.count() == 1


def test_agents_may_not_publish():
    client = signed_in(f.agent())
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data()).status_code == 403
    listing = client.get("/admin/stores/governancerule/").content.decode()
    assert 'data-testid="new-rule-version"' not in listing
    boss_list = signed_in(f.supervisor()).get("/admin/stores/governancerule/")
    assert 'data-testid="new-rule-version"' in boss_list.content.decode()


def test_an_unknown_version_is_404():
    assert (
        signed_in(f.buyer()).get("/disputes/rules/store-governance/v9/").status_code
        == 404
    )
