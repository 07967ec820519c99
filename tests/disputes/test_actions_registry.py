"""Each action is declared once, in disputes/actions.py; everything else follows.

Walks the registry and checks that every django-fsm transition on Dispute,
every service, every portal and admin form, every API serializer and every
label is derived from it, and that no other module keeps its own table of
actions.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
import typing
from pathlib import Path

import pytest
from django.utils import translation

from core.roles import Role
from disputes import actions, services
from disputes.actions import (
    ACTIONS,
    EVENT_KINDS,
    EVENT_LABELS,
    ActionName,
    EventKindName,
    FieldType,
)
from disputes.api.serializers import ACTION_SERIALIZERS, ActionSerializer
from disputes.choices import Liability, Outcome
from disputes.forms import ACTION_FORMS as PORTAL_FORMS
from disputes.models import Dispute, DisputeEvent
from disputes.services.dispatch import ACTION_INPUTS, RejectInput, RuleInput
from workbench.admin.forms import ACTION_FORMS as ADMIN_FORMS

ROOT = Path(__file__).resolve().parents[2]
USER_ACTIONS = [name for name, a in ACTIONS.items() if a.roles]
SYSTEM_ACTIONS = [name for name, a in ACTIONS.items() if a.roles is None]


def fsm_transitions() -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(Dispute)
        if hasattr(member, "_django_fsm")
    }


def test_every_transition_is_an_action_and_every_action_a_transition():
    assert fsm_transitions() == set(ACTIONS)


def test_every_action_and_timeline_entry_has_its_enum_member():
    assert list(ACTIONS) == list(ActionName)
    assert list(EVENT_KINDS) == list(EventKindName)
    assert all(type(name) is ActionName for name in ACTIONS)
    assert [a.name for a in ACTIONS.values()] == [m.value for m in ActionName]


@pytest.mark.parametrize("name", list(ACTIONS))
def test_each_action_has_its_service(name):
    service = getattr(services, ACTIONS[name].service_name)
    assert inspect.isfunction(service)


@pytest.mark.parametrize("name", USER_ACTIONS)
def test_a_user_action_service_takes_exactly_its_typed_fields(name):
    signature = inspect.signature(getattr(services, ACTIONS[name].service_name))
    params = signature.parameters
    expected = {"dispute", "actor", "expected_version"} | {
        spec.name for spec in ACTIONS[name].fields
    }
    assert set(params) == expected
    for param in params.values():
        assert param.kind is inspect.Parameter.KEYWORD_ONLY, param
        assert param.annotation is not inspect.Parameter.empty, param
    assert signature.return_annotation == "Dispute"
    for spec in ACTIONS[name].fields:
        assert (params[spec.name].default is inspect.Parameter.empty) == (
            spec.required
        ), spec.name


def test_the_typed_inputs_are_the_user_actions():
    assert set(ACTION_INPUTS) == set(USER_ACTIONS)
    for name, inputs in ACTION_INPUTS.items():
        assert inputs.action is name


@pytest.mark.parametrize("name", USER_ACTIONS)
def test_each_typed_input_is_its_service_arguments(name):
    """Same names, types and defaults as the registry's fields and the service's
    keywords, so `action_inputs` and `perform` hand over exactly what the
    service takes (mypy checks each input's call of its service)."""
    inputs = ACTION_INPUTS[name]
    service = getattr(services, ACTIONS[name].service_name)
    fields = {f.name: f for f in dataclasses.fields(inputs)}
    assert set(fields) == {spec.name for spec in ACTIONS[name].fields}
    hints = typing.get_type_hints(inputs)
    service_hints = typing.get_type_hints(service)
    params = inspect.signature(service).parameters
    for field_name, field in fields.items():
        assert hints[field_name] == service_hints[field_name], field_name
        default = params[field_name].default
        if default is inspect.Parameter.empty:
            assert field.default is dataclasses.MISSING, field_name
        else:
            assert field.default == default, field_name


def test_action_inputs_parse_what_an_edge_parsed():
    rule = object()
    parsed = {
        "outcome": "buyer",
        "liability": "merchant",
        "amount": None,
        "rule": rule,
        "reasoning": "理由",
        "compensation": False,
        "version": 3,
    }
    inputs = services.action_inputs(ActionName.RULE, parsed)
    assert inputs == RuleInput(
        outcome=Outcome.BUYER,
        liability=Liability.MERCHANT,
        rule=rule,
        reasoning="理由",
        compensation=False,
    )
    assert type(inputs.outcome) is Outcome
    blank = services.action_inputs(ActionName.REJECT, {"preset": "", "reason": ""})
    assert blank == RejectInput()


def test_no_service_hides_its_contract_behind_kwargs():
    for name in dir(services):
        function = getattr(services, name)
        if not inspect.isfunction(function):
            continue
        kinds = {p.kind for p in inspect.signature(function).parameters.values()}
        assert inspect.Parameter.VAR_KEYWORD not in kinds, name


def test_portal_and_admin_forms_are_the_registry_split_by_role():
    assert set(PORTAL_FORMS) == {n for n, a in ACTIONS.items() if a.on_portal}
    assert set(ADMIN_FORMS) == {n for n, a in ACTIONS.items() if a.on_admin}
    assert set(PORTAL_FORMS) | set(ADMIN_FORMS) == set(USER_ACTIONS)


@pytest.mark.parametrize("name", USER_ACTIONS)
def test_each_form_has_the_action_fields_and_one_version_rule(name):
    form_class = PORTAL_FORMS.get(name) or ADMIN_FORMS[name]
    assert form_class.action is ACTIONS[name]
    form = form_class(role=Role.SUPERVISOR)
    assert set(form.fields) == {"version"} | {s.name for s in ACTIONS[name].fields}
    version = form.fields["version"]
    assert (version.required, version.min_value) == (False, 1)


@pytest.mark.parametrize("name", USER_ACTIONS)
def test_each_api_serializer_has_the_action_fields(name):
    fields = ACTION_SERIALIZERS[name]().fields
    assert set(fields) == {"version"} | {s.name for s in ACTIONS[name].fields}
    for spec in ACTIONS[name].fields:
        assert fields[spec.name].required == spec.required, spec.name


def test_the_schema_body_is_the_union_of_every_action_field():
    names = {s.name for a in ACTIONS.values() for s in a.fields}
    assert set(ActionSerializer().fields) == names | {"version"}


def test_a_field_name_means_one_type_everywhere():
    kinds: dict[str, set[FieldType]] = {}
    for action in ACTIONS.values():
        for spec in action.fields:
            kinds.setdefault(spec.name, set()).add(spec.kind)
    assert {name: len(k) for name, k in kinds.items()} == dict.fromkeys(kinds, 1)


def test_the_api_schema_lists_the_user_actions():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    path = schema["paths"]["/api/v1/disputes/{number}/actions/{action_name}/"]
    (param,) = [p for p in path["post"]["parameters"] if p["name"] == "action_name"]
    assert sorted(param["schema"]["enum"]) == sorted(USER_ACTIONS)
    for name in USER_ACTIONS:
        assert name in path["post"]["description"] or not ACTIONS[name].fields


def test_timeline_labels_and_event_choices_come_from_the_registry():
    assert set(EVENT_LABELS) == set(ACTIONS) | set(EVENT_KINDS)
    assert not set(ACTIONS) & set(EVENT_KINDS)
    field = DisputeEvent._meta.get_field("action")
    assert [value for value, _label in field.choices] == list(EVENT_LABELS)
    roles = DisputeEvent._meta.get_field("actor_role")
    assert {v for v, _ in roles.choices} == {*Role.values, actions.SYSTEM}


def test_every_label_reads_in_chinese():
    with translation.override("zh-hans"):
        untranslated = [
            str(text)
            for a in ACTIONS.values()
            for text in (a.label, a.past, a.done, *(s.label for s in a.fields))
            if text is not None and re.search(r"[A-Za-z]{3}", str(text))
        ]
        untranslated += [
            str(k.past)
            for k in EVENT_KINDS.values()
            if re.search("[A-Za-z]", str(k.past))
        ]
    assert untranslated == []


def test_every_action_people_run_says_what_it_did_in_its_own_words():
    """One written message per action: no "<label>: done on <case>." pattern."""
    assert [name for name in USER_ACTIONS if ACTIONS[name].done is None] == []
    for language in ("en", "zh-hans"):
        with translation.override(language):
            done = [str(ACTIONS[name].done) for name in USER_ACTIONS]
        assert len(set(done)) == len(done), language
        labels = {str(ACTIONS[name].label) for name in USER_ACTIONS}
        assert not [text for text in done if text.split("：")[0] in labels]


def test_event_names_are_unique_and_dotted():
    names = [a.event for a in ACTIONS.values()] + [
        k.event for k in EVENT_KINDS.values() if k.event
    ]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"dispute\.[a-z_]+", n) for n in names)


def _sources() -> list[Path]:
    skip = {"migrations", ".venv", "tests", "bench"}
    return [
        p
        for p in ROOT.rglob("*.py")
        if not skip & set(p.relative_to(ROOT).parts)
        and p != ROOT / "disputes" / "actions.py"
    ]


def test_no_other_module_keeps_a_table_of_actions():
    """A dict or tuple literal naming three or more actions is a second registry."""
    names = set(ACTIONS) | set(EVENT_KINDS)
    tables = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                items = node.keys
            elif isinstance(node, ast.Tuple | ast.List | ast.Set):
                items = node.elts
            else:
                continue
            literal = {
                item.value
                for item in items
                if isinstance(item, ast.Constant) and item.value in names
            }
            if len(literal) >= 3:
                tables.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert tables == []


def _spells_a_name(node: ast.AST, names: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in names
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_spells_a_name(item, names) for item in node.elts)
    return False


def test_code_names_actions_by_their_enum_members():
    """`action="offer"`, `event.action == "offer"`, `ACTION_LABELS["offer"]`:
    a name spelled as a string is one mypy cannot check (use ActionName.OFFER)."""
    names = set(ACTIONS) | set(EVENT_KINDS)
    tables = {
        n for n in dir(actions) if n.isupper() and ("ACTION" in n or "EVENT" in n)
    }
    spelled = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword):
                found = node.arg == "action" and _spells_a_name(node.value, names)
            elif isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                found = any(
                    isinstance(side, ast.Attribute) and side.attr == "action"
                    for side in sides
                ) and any(_spells_a_name(side, names) for side in sides)
            elif isinstance(node, ast.Subscript):
                found = (
                    isinstance(node.value, ast.Name)
                    and node.value.id in tables
                    and _spells_a_name(node.slice, names)
                )
            else:
                continue
            if found:
                spelled.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert spelled == []
