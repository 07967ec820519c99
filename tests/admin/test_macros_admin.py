"""Macros in the workbench: supervisors define them, agents run them."""

from __future__ import annotations

import pytest

from disputes.models import DisputeEvent, Macro
from tests import factories as f

pytestmark = pytest.mark.django_db

ADD = "/admin/disputes/macro/add/"


def macro() -> Macro:
    return Macro.objects.create(
        name="请商家举证",
        message="平台已介入。",
        evidence_party="merchant",
        evidence_what="质检照片",
    )


@pytest.mark.parametrize(("role", "status"), [("supervisor", 200), ("agent", 403)])
def test_supervisors_define_macros(login, role, status):
    assert login(getattr(f, role)()).get(ADD).status_code == status


def test_supervisor_creates_a_macro(login):
    boss = f.supervisor()
    response = login(boss).post(
        ADD,
        {"name": "开始调解", "message": "", "evidence_party": "", "evidence_what": "",
         "evidence_hours": "", "start_mediation": "on", "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Macro.objects.get(name="开始调解").created_by == boss


def test_agent_runs_a_macro_from_the_case_page(login):
    story = f.case_in_state("verification")
    m = macro()
    client = login(story.agent)
    page = client.get(f"/admin/disputes/dispute/{story.case.pk}/change/")
    assert m.name in page.content.decode()
    response = client.post(
        f"/admin/disputes/dispute/{story.case.pk}/macro/", {"macro": m.pk}, follow=True
    )
    assert response.status_code == 200
    actions = set(
        DisputeEvent.objects.filter(dispute=story.case).values_list("action", flat=True)
    )
    assert {"message", "request_evidence"} <= actions


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_an_unknown_macro_changes_nothing(login, value):
    story = f.case_in_state("verification")
    before = DisputeEvent.objects.filter(dispute=story.case).count()
    response = login(story.agent).post(
        f"/admin/disputes/dispute/{story.case.pk}/macro/", {"macro": value}, follow=True
    )
    assert "Choose a macro." in response.content.decode()
    assert DisputeEvent.objects.filter(dispute=story.case).count() == before
