"""Rules in view: the ruling form shows the cited rule's text in force and its
reasoning templates, filled in for the case."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import translation

from disputes import selectors
from disputes.models import ReasoningTemplate
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_templates_are_filled_in_for_the_case():
    story = f.case_in_state("mediation", amount="88.00")
    ReasoningTemplate.objects.create(
        rule=story.rule,
        title="支持买家",
        text="依据{rule}，商家应退还{amount}（订单 {order}）。{unknown} {}",
    )
    ReasoningTemplate.objects.create(
        rule=story.rule, title="停用的模板", text="x", active=False
    )
    with translation.override("zh-hans"):
        guidance = selectors.rule_guidance(dispute=story.case)[story.rule.code]
    assert guidance["text"] == story.rule.text
    assert guidance["version"] == story.rule.version
    assert guidance["version_label"] == f"第 {story.rule.version} 版"
    assert guidance["templates"] == [
        {
            "title": "支持买家",
            "text": f"依据{story.rule.title}（第{story.rule.version}版）"
            f"，商家应退还¥88.00（订单 {story.case.order.number}）。{{unknown}} {{}}",
        }
    ]


def test_a_new_version_brings_its_own_templates():
    story = f.case_in_state("mediation")
    ReasoningTemplate.objects.create(rule=story.rule, title="旧", text="old")
    newer = f.PlatformRuleFactory(code=story.rule.code, version=story.rule.version + 1)
    guidance = selectors.rule_guidance(dispute=story.case)[story.rule.code]
    assert guidance["version"] == newer.version
    assert guidance["templates"] == []


@pytest.mark.parametrize("action", ["rule", "overturn"])
def test_the_ruling_form_carries_the_rules_in_force(login, action):
    state = "mediation" if action == "rule" else "appeal"
    story = f.case_in_state(state)
    user = story.agent if action == "rule" else story.supervisor
    body = (
        login(user)
        .get(f"/admin/disputes/dispute/{story.case.pk}/act/{action}/")
        .content.decode()
    )
    assert 'id="wb-rule-panel"' in body
    data = re.search(
        r'<script id="wb-rule-guidance" type="application/json">(.*?)</script>',
        body,
        re.S,
    )
    assert story.rule.code in json.loads(data.group(1))


def test_other_forms_do_not(login):
    story = f.case_in_state("mediation")
    body = (
        login(story.agent)
        .get(f"/admin/disputes/dispute/{story.case.pk}/act/propose/")
        .content.decode()
    )
    assert "wb-rule-panel" not in body
