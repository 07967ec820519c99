"""Who hears of each timeline entry: the specification as a table."""

from __future__ import annotations

import pytest

from disputes import services
from disputes.models import DisputeEvent
from notifications.audience import audience, wants_mail
from tests import factories as f

pytestmark = pytest.mark.django_db


def names(story, people) -> set[str]:
    """People as their part in the story: buyer, merchant, clerk, agent, ..."""
    parts = {
        story.buyer.pk: "buyer",
        story.merchant.pk: "merchant",
        story.agent.pk: "agent",
        story.supervisor.pk: "supervisor",
    }
    for clerk in story.case.store.staff.all():
        parts[clerk.pk] = "clerk"
    return {parts.get(p.pk, p.username) for p in people}


def last_event(story) -> DisputeEvent:
    story.refresh()
    return story.case.events.order_by("-id").first()


def heard(story) -> set[str]:
    event = last_event(story)  # refreshes the case first
    return names(
        story,
        audience(case=story.case, event=event, assigned_to=story.case.assigned_to),
    )


def system_entry(story, action: str, *, internal: bool) -> set[str]:
    event = f.DisputeEventFactory(
        dispute=story.case, action=action, actor=None, actor_role="system",
        internal=internal,
    )  # fmt: skip
    return names(
        story,
        audience(case=story.case, event=event, assigned_to=story.case.assigned_to),
    )


def test_an_opened_case_reaches_the_store_owner_and_staff_not_the_buyer():
    story = f.case_in_state("negotiation")
    story.case.store.staff.add(f.merchant(username="clerk"))
    assert heard(story) == {"merchant", "clerk"}


def test_a_merchant_reply_reaches_the_buyer_and_the_other_store_people():
    story = f.case_in_state("negotiation")
    story.case.store.staff.add(f.merchant(username="clerk"))
    services.dispute_reject(dispute=story.case, actor=story.merchant, reason="无")
    assert heard(story) == {"buyer", "clerk"}


def test_party_actions_reach_the_assigned_agent():
    story = f.case_in_state("verification")
    services.message_post(dispute=story.case, actor=story.buyer, body="请看照片")
    assert heard(story) == {"merchant", "agent"}


def test_evidence_arriving_reaches_the_assigned_agent():
    story = f.case_in_state("mediation")
    services.evidence_upload(
        dispute=story.case, actor=story.merchant, file=_pdf(), description="底单"
    )
    assert heard(story) == {"buyer", "agent"}


def test_an_agent_taking_a_case_tells_the_parties_not_the_agent():
    story = f.case_in_state("verification")
    assert last_event(story).action == "take"
    assert heard(story) == {"buyer", "merchant"}


def test_a_supervisor_assigning_tells_the_new_agent():
    story = f.case_in_state("verification")
    other = f.agent(username="agent_b")
    services.dispute_assign(dispute=story.case, actor=story.supervisor, assignee=other)
    assert heard(story) == {"buyer", "merchant", "agent_b"}


def test_an_appeal_reaches_every_supervisor_and_the_ruling_agent():
    story = f.case_in_state("appeal")  # the merchant appealed a buyer win
    f.supervisor(username="supervisor_b")
    f.supervisor(username="retired", is_active=False)
    assert last_event(story).action == "appeal"
    assert heard(story) == {"buyer", "agent", "supervisor", "supervisor_b"}


def test_internal_notes_reach_no_party():
    story = f.case_in_state("verification")
    services.message_post(
        dispute=story.case, actor=story.agent, body="内部", internal=True
    )
    assert heard(story) == set()
    services.message_post(
        dispute=story.case, actor=story.supervisor, body="注意", internal=True
    )
    assert heard(story) == {"agent"}


def test_a_service_level_warning_reaches_only_the_assigned_agent():
    story = f.case_in_state("verification")
    assert system_entry(story, "sla_warning", internal=True) == {"agent"}
    assert system_entry(story, "sla_warning", internal=False) == {"agent"}


def test_a_missed_service_level_reaches_the_agent_and_supervisors_never_parties():
    story = f.case_in_state("verification")
    assert system_entry(story, "sla_breach", internal=False) == {"agent", "supervisor"}


def test_a_deadline_acting_reaches_the_parties():
    story = f.case_in_state("negotiation")
    assert system_entry(story, "auto_escalate", internal=False) == {"buyer", "merchant"}


def test_inactive_users_hear_nothing():
    story = f.case_in_state("negotiation")
    story.merchant.is_active = False
    story.merchant.save(update_fields=["is_active"])
    assert heard(story) == set()


@pytest.mark.parametrize(
    ("kind", "opted_in", "mailed"),
    [
        ("reject", True, True),
        ("reject", False, True),  # a decision is always mailed
        ("request_evidence", False, True),  # so is a request with a deadline
        ("message", True, True),
        ("message", False, False),  # news is not, once opted out
        ("evidence", False, False),
        ("sla_warning", False, False),
    ],
)
def test_opting_out_stops_only_news(kind, opted_in, mailed):
    user = f.buyer(email_updates=opted_in)
    assert wants_mail(user, kind) is mailed


def test_no_address_no_mail():
    assert wants_mail(f.buyer(email=""), "reject") is False


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"0" * 64, "application/pdf")
