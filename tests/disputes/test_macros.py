"""Macros: several workbench steps in one click, all through the services,
all or nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import ApplicationError, InvalidTransition
from disputes import services
from disputes.models import DisputeEvent, EvidenceRequest, Macro, Message
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def ask_merchant(**kw) -> Macro:
    fields = {
        "name": "要求商家举证",
        "message": "您好，平台已介入，请双方配合提供材料。",
        "evidence_party": "merchant",
        "evidence_what": "请提供发货前的商品质检照片",
        "evidence_hours": 24,
        **kw,
    }
    return Macro.objects.create(**fields)


def timeline(case) -> list[str]:
    return list(
        DisputeEvent.objects.filter(dispute=case)
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_every_step_runs_through_its_service_and_lands_on_the_timeline():
    story = f.case_in_state("verification")
    before = timeline(story.case)
    macro = ask_merchant(start_mediation=True)
    ran = services.macro_run(macro=macro, dispute=story.case, actor=story.agent)
    case = story.refresh()
    assert ran == 3
    assert timeline(case)[len(before):] == [
        "message", "request_evidence", "start_mediation",
    ]  # fmt: skip
    assert case.state == "mediation"
    request = EvidenceRequest.objects.get(dispute=case)
    assert request.party == "merchant"
    due = timezone.now() + timedelta(hours=24)
    assert abs((request.due_at - due).total_seconds()) < 60


def test_a_refused_step_keeps_nothing_and_names_the_step():
    story = f.case_in_state("complaint")  # nobody has taken it yet
    before_events, before_version = timeline(story.case), story.case.version
    macro = ask_merchant()
    mail.outbox.clear()
    with pytest.raises(ApplicationError) as refused:
        services.macro_run(macro=macro, dispute=story.case, actor=story.agent)
    case = story.refresh()
    assert "step 2" in refused.value.message
    assert timeline(case) == before_events
    assert case.version == before_version
    assert not Message.objects.filter(dispute=case).exists()
    assert not EvidenceRequest.objects.filter(dispute=case).exists()
    assert mail.outbox == []  # the first step's mail was never sent


def test_an_internal_note_macro_is_never_shown_to_parties():
    story = f.case_in_state("verification")
    macro = Macro.objects.create(
        name="内部备注", message="买家为重复投诉人", message_internal=True
    )
    services.macro_run(macro=macro, dispute=story.case, actor=story.agent)
    note = Message.objects.get(dispute=story.case)
    assert note.internal


def test_switched_off_macros_and_non_staff_are_refused():
    story = f.case_in_state("verification")
    with pytest.raises(ApplicationError):
        services.macro_run(
            macro=ask_merchant(active=False), dispute=story.case, actor=story.agent
        )
    with pytest.raises(ApplicationError):
        services.macro_run(
            macro=ask_merchant(name="x"), dispute=story.case, actor=story.buyer
        )


@pytest.mark.parametrize(
    "fields",
    [
        {"message": ""},
        {"message": "", "evidence_party": "merchant"},
        {"evidence_party": "buyer", "evidence_what": ""},
        {"evidence_hours": 5},
    ],
)
def test_a_macro_must_make_sense(fields):
    macro = Macro(**{"name": "m", "message": "hello", **fields})
    with pytest.raises(ValidationError):
        macro.full_clean()


def test_start_mediation_alone_in_the_wrong_state_is_a_409():
    story = f.case_in_state("mediation")
    macro = Macro.objects.create(name="调解", start_mediation=True)
    with pytest.raises(InvalidTransition):
        services.macro_run(macro=macro, dispute=story.case, actor=story.agent)
