"""The workbench's words: one written message per action, 复审意见 for appeal
decisions, the rule by its title and version, and the reason a supervisor
cannot decide the appeal against their own ruling."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from core.errors import ActionNotPermitted, ValidationFailed
from disputes import services
from disputes.actions import ACTIONS
from tests import factories as f

from .conftest import messages_of

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def act_url(case, action: str) -> str:
    return f"/admin/disputes/dispute/{case.pk}/act/{action}/"


def case_url(case) -> str:
    return f"/admin/disputes/dispute/{case.pk}/change/"


def appeal_of_a_supervisors_ruling() -> f.Story:
    """An appeal against a ruling the story's supervisor made."""
    story = f.case_in_state("mediation")
    services.dispute_rule(
        dispute=story.case, actor=story.supervisor, outcome="buyer",
        liability="merchant", amount=Decimal("100.00"), rule=story.rule,
        reasoning="证据充分",
    )  # fmt: skip
    services.dispute_appeal(dispute=story.case, actor=story.merchant, reason="新证据")
    story.refresh()
    return story


@pytest.mark.parametrize(
    ("state", "action", "data", "message"),
    [
        ("complaint", "take", {}, "投诉已受理，案件进入核实阶段。"),
        (
            "verification", "request_evidence", {"party": "merchant", "note": "发货单"},
            "举证要求已发出，当事方会收到需要提供的材料和截止时间。",
        ),
        (
            "verification", "start_mediation", {"note": ""},
            "已开始调解，准备好后可提出调解方案。",
        ),
    ],
)  # fmt: skip
def test_each_action_says_what_it_did(login, state, action, data, message):
    story = f.case_in_state(state)
    client = login(story.agent)
    response = client.post(
        act_url(story.case, action), {"version": story.case.version, **data}, **ZH
    )
    assert response.status_code == 302
    assert messages_of(response) == [message]
    assert not [m for m in messages_of(response) if "完成" in m]


def test_appeal_decisions_ask_for_a_review_opinion(login):
    story = appeal_of_a_supervisors_ruling()
    judge = f.supervisor()
    for action in ("uphold", "overturn"):
        body = login(judge).get(act_url(story.case, action), **ZH).content.decode()
        assert '<label for="id_reasoning">复审意见:</label>' in body
        assert "裁定理由:" not in body
    with translation.override("en"):
        assert str(ACTIONS["rule"].field("reasoning").label) == "Reasoning"
        assert str(ACTIONS["uphold"].field("reasoning").label) == "Review opinion"


def test_an_empty_review_opinion_is_refused_by_its_name(login):
    story = appeal_of_a_supervisors_ruling()
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        services.dispute_uphold(dispute=story.case, actor=f.supervisor(), reasoning=" ")
    assert refused.value.message == "A review opinion is required."


def test_rule_choices_read_as_title_and_version(login):
    story = f.case_in_state("mediation")
    body = login(story.agent).get(act_url(story.case, "rule"), **ZH).content.decode()
    rule = story.rule
    assert (
        f'<option value="{rule.code}">{rule.title}（第{rule.version}版）</option>'
        in (body)
    )
    assert f"{rule.code} v{rule.version}" not in body


def test_the_supervisor_who_ruled_is_told_why_the_appeal_is_not_theirs(login):
    story = appeal_of_a_supervisors_ruling()
    body = login(story.supervisor).get(case_url(story.case), **ZH).content.decode()
    assert 'data-testid="refusal"' in body
    assert "被申诉的裁定是您作出的" in body and "另一位主管" in body
    assert 'data-action="uphold"' not in body
    other = login(f.supervisor()).get(case_url(story.case), **ZH).content.decode()
    assert 'data-testid="refusal"' not in other
    assert 'data-action="uphold"' in other and 'data-action="overturn"' in other


def test_the_refusal_names_the_rule_when_they_try_anyway(login):
    story = appeal_of_a_supervisors_ruling()
    with translation.override("en"), pytest.raises(ActionNotPermitted) as refused:
        services.dispute_uphold(
            dispute=story.case, actor=story.supervisor, reasoning="维持"
        )
    assert "nobody decides an appeal against their own ruling" in refused.value.message
    client = login(story.supervisor)
    response = client.get(act_url(story.case, "uphold"), **ZH)
    assert response.status_code == 302
    assert messages_of(response) == [
        "被申诉的裁定是您作出的。任何人都不能复审自己的裁定，此申诉须由另一位主管处理。"
    ]


def test_the_ruling_panel_cites_the_rule_by_title(login):
    story = f.case_in_state("ruled")
    body = login(story.agent).get(case_url(story.case), **ZH).content.decode()
    assert f'依据规则: <a href="{story.rule.get_absolute_url()}"' in body
    assert f"{story.rule.code} v{story.rule.version}" not in body
