"""Each button and bulk action drives its service and writes the timeline."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disputes import services
from disputes.models import CannedReply, Dispute, DisputeEvent, PlatformRule
from stores.models import StoreReviewLog
from tests import factories as f

from .conftest import messages_of

pytestmark = pytest.mark.django_db


def act_url(case, action):
    return f"/admin/disputes/dispute/{case.pk}/act/{action}/"


def post_action(client, case, action, **data):
    case.refresh_from_db()
    return client.post(act_url(case, action), {"version": case.version, **data})


def events(case) -> list[str]:
    return list(
        DisputeEvent.objects.filter(dispute=case)
        .order_by("id")
        .values_list("action", flat=True)
    )


def snapshot(case):
    case = Dispute.objects.get(pk=case.pk)
    return (case.state, case.version, case.assigned_to_id, case.refunded_amount,
            DisputeEvent.objects.filter(dispute=case).count())  # fmt: skip


def test_agent_runs_a_case_from_pick_up_to_ruling(login):
    story = f.case_in_state("complaint")
    case, client = story.case, login(story.agent)
    assert post_action(client, case, "take").status_code == 302
    assert post_action(client, case, "request_evidence", party="merchant",
                       note="发货照片").status_code == 302  # fmt: skip
    assert post_action(client, case, "start_mediation", note="").status_code == 302
    assert post_action(client, case, "propose", amount="60.00",
                       note="各退一步").status_code == 302  # fmt: skip
    response = post_action(
        client, case, "rule", outcome="buyer", liability="merchant",
        amount="100.00", rule=story.rule.code, reasoning="证据充分",
    )  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "ruled"
    assert case.assigned_to == story.agent
    assert case.refunded_amount == Decimal("100.00")
    assert case.ruling.rule == story.rule
    assert events(case)[-5:] == [
        "take", "request_evidence", "start_mediation", "propose", "rule",
    ]  # fmt: skip
    assert case.evidence_requests.get().party == "merchant"


def test_supervisor_upholds_and_overturns(login):
    upheld, overturned = f.case_in_state("appeal"), f.case_in_state("appeal")
    client = login(upheld.supervisor)
    post_action(client, upheld.case, "uphold", reasoning="维持")
    assert Dispute.objects.get(pk=upheld.case.pk).resolution == "upheld"
    client = login(overturned.supervisor)
    post_action(
        client, overturned.case, "overturn", outcome="merchant", liability="none",
        rule=overturned.rule.code, reasoning="改判",
    )  # fmt: skip
    case = Dispute.objects.get(pk=overturned.case.pk)
    assert (case.resolution, case.outcome) == ("overturned", "merchant")
    assert events(case)[-1] == "overturn"


def test_supervisor_assigns_through_the_button(login):
    story = f.case_in_state("verification")
    other = f.agent()
    client = login(story.supervisor)
    post_action(client, story.case, "assign", assignee=other.pk)
    assert Dispute.objects.get(pk=story.case.pk).assigned_to == other
    assert events(story.case)[-1] == "assign"


@pytest.mark.parametrize(
    "state,action,data",
    [
        ("mediation", "rule", {"outcome": "buyer", "liability": "merchant",
                               "amount": "999.00", "reasoning": "x"}),
        ("mediation", "propose", {"amount": "500.00", "note": "too much"}),
        ("ruled", "take", {}),
    ],
)  # fmt: skip
def test_a_refused_action_leaves_the_case_untouched(login, state, action, data):
    story = f.case_in_state(state)
    if action == "rule":
        data = {**data, "rule": story.rule.code}
    before = snapshot(story.case)
    response = post_action(login(story.agent), story.case, action, **data)
    assert snapshot(story.case) == before
    # The reason is said once: in the form (at its field) or as a message on
    # the case page when the action is not available at all.
    shown = messages_of(response)
    if response.status_code == 302:
        assert len(shown) == 1
    else:
        body = response.content.decode()
        assert shown == []
        assert body.count('<ul class="errorlist') == 1
        assert "can still be refunded" in body


def test_a_stale_form_acts_once(login):
    story = f.case_in_state("verification")
    client = login(story.agent)
    stale = Dispute.objects.get(pk=story.case.pk).version
    client.post(act_url(story.case, "start_mediation"), {"version": stale})
    before = snapshot(story.case)
    response = client.post(act_url(story.case, "start_mediation"), {"version": stale})
    assert snapshot(story.case) == before
    assert messages_of(response)


def test_another_agents_case_offers_no_buttons(login, verification):
    client = login(f.agent())
    page = client.get(f"/admin/disputes/dispute/{verification.case.pk}/change/")
    assert page.context["case_actions"] == []
    assert not page.context["can_reply"]
    before = snapshot(verification.case)
    post_action(client, verification.case, "start_mediation")
    assert snapshot(verification.case) == before


def test_manager_sees_the_case_but_no_buttons(login, complaint):
    page = login(f.manager()).get(
        f"/admin/disputes/dispute/{complaint.case.pk}/change/"
    )
    assert page.status_code == 200
    assert page.context["case_actions"] == []
    assert b"wb-reply" not in page.content


def test_reply_and_internal_note(login, verification):
    CannedReply.objects.create(reason="quality", title="q", body="质量模板")
    CannedReply.objects.create(reason="damaged", title="d", body="破损模板")
    client = login(verification.agent)
    url = f"/admin/disputes/dispute/{verification.case.pk}/"
    page = client.get(url + "change/")
    assert [c.body for c in page.context["canned"]] == ["质量模板"]
    client.post(url + "reply/", {"body": "请补充照片", "kind": "public"})
    client.post(url + "reply/", {"body": "疑似恶意索赔", "kind": "internal"})
    notes = list(verification.case.messages.values_list("body", "internal"))
    assert notes == [("请补充照片", False), ("疑似恶意索赔", True)]
    assert events(verification.case)[-2:] == ["message", "internal_note"]


def test_evidence_downloads_are_permission_checked(login, complaint):
    evidence = services.evidence_upload(
        dispute=complaint.case, actor=complaint.buyer,
        file=SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"1" * 40),
    )  # fmt: skip
    url = f"/admin/disputes/dispute/evidence/{evidence.pk}/"
    response = login(complaint.agent).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    inline = login(complaint.agent).get(url + "?inline=1")
    assert inline["Content-Disposition"].startswith("inline")
    assert login(complaint.buyer).get(url).status_code == 302  # not admin
    assert (
        login(complaint.agent).get(url.replace(str(evidence.pk), "999999")).status_code
        == 404
    )


def test_bulk_assign_to_me_reports_each_case(login):
    first, second = f.case_in_state("complaint"), f.case_in_state("complaint")
    ruled = f.case_in_state("ruled")
    me = f.agent()
    response = login(me).post(
        "/admin/disputes/dispute/",
        {"action": "assign_to_me",
         "_selected_action": [first.case.pk, second.case.pk, ruled.case.pk]},
        follow=True,
    )  # fmt: skip
    text = " ".join(messages_of(response))
    assert first.case.number in text and ruled.case.number in text
    assert Dispute.objects.get(pk=first.case.pk).assigned_to == me
    assert Dispute.objects.get(pk=second.case.pk).assigned_to == me
    assert events(first.case)[-1] == "take"
    assert snapshot(ruled.case)[0] == "ruled"


def test_bulk_assign_to_an_agent_is_for_supervisors(login):
    complaint, mediation = f.case_in_state("complaint"), f.case_in_state("mediation")
    target = f.agent()
    ids = [complaint.case.pk, mediation.case.pk]
    page = login(complaint.supervisor).post(
        "/admin/disputes/dispute/",
        {"action": "assign_to_agent", "_selected_action": ids},
    )
    assert page.status_code == 200 and b"assignee" in page.content
    login(complaint.supervisor).post(
        "/admin/disputes/dispute/",
        {"action": "assign_to_agent", "_selected_action": ids, "apply": "1",
         "assignee": target.pk},
    )  # fmt: skip
    assert Dispute.objects.get(pk=complaint.case.pk).assigned_to == target
    assert Dispute.objects.get(pk=mediation.case.pk).assigned_to == target
    assert events(complaint.case)[-1] == "take"
    assert events(mediation.case)[-1] == "assign"
    # An agent cannot run it: the admin does not offer the action at all.
    other = f.case_in_state("complaint")
    login(f.agent()).post(
        "/admin/disputes/dispute/",
        {"action": "assign_to_agent", "_selected_action": [other.case.pk],
         "apply": "1", "assignee": target.pk},
    )  # fmt: skip
    assert Dispute.objects.get(pk=other.case.pk).assigned_to is None


def test_store_review_needs_a_reason_and_uses_the_service(login):
    store = f.StoreFactory(status="pending")
    client = login(f.agent())
    url = f"/admin/stores/store/{store.pk}/review/approve/"
    assert client.post(url, {"reason": ""}).status_code == 200
    store.refresh_from_db()
    assert store.status == "pending"
    client.post(url, {"reason": "资质齐全"})
    store.refresh_from_db()
    assert store.status == "active"
    log = StoreReviewLog.objects.get(store=store)
    assert (log.action, log.reason) == ("approve", "资质齐全")
    # Approving an active store is refused and changes nothing.
    response = client.post(url, {"reason": "again"}, follow=True)
    assert messages_of(response)
    assert StoreReviewLog.objects.filter(store=store).count() == 1


def test_store_page_shows_its_dispute_figures(login):
    story = f.case_in_state("ruled")
    page = login(story.agent).get(f"/admin/stores/store/{story.case.store_id}/change/")
    all_time = page.context["figures"][0]
    assert (all_time["cases"], all_time["intervened"], all_time["merchant_liable"]) == (
        1, 1, 1,
    )  # fmt: skip
    assert all_time["intervention_rate"] == 1


def test_editing_a_rule_publishes_a_new_version(login):
    rule = f.PlatformRuleFactory(code="quality", title="v1", text="旧文本")
    client = login(f.agent())
    page = client.get(f"/admin/disputes/platformrule/{rule.pk}/change/")
    assert "code=quality" in page.context["new_version_url"]
    client.post(
        "/admin/disputes/platformrule/add/",
        {"code": "quality", "title": "v2", "text": "新文本",
         "effective_from_0": "2020-01-01", "effective_from_1": "00:00:00"},
    )  # fmt: skip
    versions = list(PlatformRule.objects.filter(code="quality").order_by("version")
                    .values_list("version", "text"))  # fmt: skip
    assert versions == [(1, "旧文本"), (2, "新文本")]
    response = client.post(
        f"/admin/disputes/platformrule/{rule.pk}/change/",
        {"code": "quality", "title": "hacked", "text": "x"},
    )
    assert response.status_code == 403
    assert PlatformRule.objects.get(pk=rule.pk).title == "v1"


def test_the_overturn_form_offers_the_rules_compensation(login):
    """The workbench's overturn form takes the compensation choice the action
    registry declares, and passes it to the service."""
    from disputes.models import PlatformRule

    rule = PlatformRule.objects.create(
        code="counterfeit", version=1, title="假一赔三", text="三倍赔付",
        compensation_multiple=Decimal("3"), compensation_minimum=Decimal("500.00"),
    )  # fmt: skip
    story = f.case_in_state("appeal", outcome="merchant")
    client = login(story.supervisor)
    page = client.get(act_url(story.case, "overturn")).content.decode()
    assert 'name="compensation"' in page
    post_action(
        client, story.case, "overturn", outcome="buyer", liability="merchant",
        amount="100.00", rule=rule.code, reasoning="假冒属实", compensation="on",
    )  # fmt: skip
    appeal = Dispute.objects.get(pk=story.case.pk).appeal_record
    assert appeal.buyer_compensation_amount == Decimal("500.00")
