"""`manage.py apply_deadlines`: every due deadline is applied once, and only once."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from disputes import services
from disputes.choices import RequestStatus, Resolution, State
from disputes.models import Dispute, DisputeEvent, EvidenceRequest
from orders.models import Refund
from tests.factories import case_in_state

pytestmark = pytest.mark.django_db


def later(**delta):
    """Move the clock forward from now (and keep it there)."""
    return time_machine.travel(timezone.now() + timedelta(**delta), tick=False)


def apply_deadlines(**options) -> str:
    out = StringIO()
    call_command("apply_deadlines", stdout=out, **options)
    return out.getvalue()


def test_silent_merchant_case_goes_to_the_platform():
    story = case_in_state("negotiation")
    with later(hours=49):
        out = apply_deadlines()
    case = story.refresh()
    assert case.state == State.COMPLAINT
    assert case.intervened_at is not None
    assert case.intervention_requested_by == "system"
    assert case.deadline_kind == "pickup"
    last = case.events.order_by("created_at", "id").last()
    assert (last.action, last.actor_id, last.actor_role) == (
        "auto_escalate",
        None,
        "system",
    )
    assert (last.from_state, last.to_state) == (State.NEGOTIATION, State.COMPLAINT)
    assert "silent merchants handled: 1" in out


def test_silent_merchant_is_refunded_when_the_policy_says_auto_refund(settings):
    settings.DISPUTE_POLICY = {
        **settings.DISPUTE_POLICY,
        "silent_merchant_action": "auto_refund",
    }
    story = case_in_state("negotiation", amount=Decimal("80.00"))
    with later(hours=49):
        apply_deadlines()
    case = story.refresh()
    assert (case.state, case.resolution) == (State.CLOSED, Resolution.AUTO_REFUNDED)
    assert case.intervened_at is None
    assert case.refunded_amount == Decimal("80.00")
    case.order.refresh_from_db()
    assert case.order.refunded_amount == Decimal("80.00")
    assert Refund.objects.get(dispute=case).amount == Decimal("80.00")
    assert case.events.last().amount == Decimal("80.00")


def test_a_category_with_a_shorter_response_time_escalates_sooner():
    story = case_in_state(
        "negotiation",
        store__category__code="food",
        store__category__merchant_response_hours=24,
    )
    with later(hours=23):
        apply_deadlines()
    assert story.refresh().state == State.NEGOTIATION
    with later(hours=25):
        apply_deadlines()
    assert story.refresh().state == State.COMPLAINT


def test_nothing_happens_before_the_deadline_or_after_the_merchant_answered():
    waiting = case_in_state("negotiation")
    answered = case_in_state("negotiation")
    services.dispute_reject(
        dispute=answered.case, actor=answered.merchant, reason="商品无质量问题"
    )
    with later(hours=47):
        apply_deadlines()
    assert waiting.refresh().state == State.NEGOTIATION
    with later(hours=60):
        apply_deadlines()
    assert answered.refresh().state == State.NEGOTIATION
    assert answered.case.intervened_at is None


def test_a_ruling_becomes_final_once_the_appeal_window_passed():
    story = case_in_state("ruled")
    with later(days=6):
        apply_deadlines()
    assert story.refresh().state == State.RULED
    with later(days=7, hours=1):
        out = apply_deadlines()
    case = story.refresh()
    assert (case.state, case.resolution) == (State.CLOSED, Resolution.RULED)
    assert case.closed_at is not None
    assert case.deadline_at is None
    assert case.events.filter(action="close", actor__isnull=True).count() == 1
    assert "rulings made final: 1" in out


def test_an_unanswered_evidence_request_times_out_on_the_timeline():
    story = case_in_state("verification")
    services.dispute_request_evidence(
        dispute=story.case, actor=story.agent, party="merchant", note="请提供发货凭证"
    )
    request = EvidenceRequest.objects.get(dispute=story.case)
    with later(hours=73):
        out = apply_deadlines()
    request.refresh_from_db()
    assert request.status == RequestStatus.TIMED_OUT
    assert request.closed_at is not None
    event = DisputeEvent.objects.get(action="evidence_timeout")
    assert event.evidence_request_id == request.pk
    assert (event.from_state, event.to_state) == (State.VERIFICATION,) * 2
    assert story.refresh().state == State.VERIFICATION
    assert "evidence requests timed out: 1" in out


def test_running_twice_changes_nothing_the_second_time():
    silent = case_in_state("negotiation")
    ruled = case_in_state("ruled")
    checking = case_in_state("verification")
    services.dispute_request_evidence(
        dispute=checking.case, actor=checking.agent, party="buyer", note="请补充照片"
    )
    with later(days=8):
        first = apply_deadlines()
        snapshot = list(Dispute.objects.order_by("pk").values("state", "version"))
        events = DisputeEvent.objects.count()
        second = apply_deadlines()
    assert "silent merchants handled: 1" in first
    assert second.strip() == (
        "agent targets set: 0, silent merchants handled: 0, rulings made final: 0, "
        "evidence deadlines passed: 0, goods steps due applied: 0, "
        "goods step warnings: 0, agent targets missed: 0, "
        "agent target warnings: 0, evidence requests timed out: 0, errors: 0"
    )
    assert list(Dispute.objects.order_by("pk").values("state", "version")) == snapshot
    assert DisputeEvent.objects.count() == events
    assert silent.refresh().state == State.COMPLAINT
    assert ruled.refresh().resolution == Resolution.RULED


def test_loop_runs_again_until_its_iterations_are_done():
    out = apply_deadlines(loop=0, iterations=3)
    assert out.count("silent merchants handled") == 3


def test_the_loop_survives_a_database_error_and_backs_off(monkeypatch):
    """One run hits a dropped connection: logged, connection closed, back-off,
    and the next run handles the due case."""
    from django.db import OperationalError

    from disputes.management.commands import apply_deadlines as command

    real = command.apply_due_deadlines
    calls, sleeps, closed = [], [], []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("terminating connection due to administrator")
        return real()

    monkeypatch.setattr(command, "apply_due_deadlines", flaky)
    monkeypatch.setattr(command.time, "sleep", sleeps.append)
    monkeypatch.setattr(command, "_close_connection", lambda: closed.append(1))
    story = case_in_state("negotiation")
    err = StringIO()
    with later(hours=49):
        out = StringIO()
        call_command("apply_deadlines", loop=5, iterations=3, stdout=out, stderr=err)
    assert len(calls) == 3
    assert "Run failed; retrying" in err.getvalue()
    assert closed == [1]
    assert sleeps == [5, 5]  # the back-off (1 s) never waits less than the loop
    assert out.getvalue().count("silent merchants handled") == 2
    assert story.refresh().state == State.COMPLAINT


def test_back_off_doubles_while_failures_last():
    from disputes.management.commands.apply_deadlines import Command

    command = Command(stdout=StringIO(), stderr=StringIO())
    assert [command._recover(n) for n in (1, 2, 3, 10, 20)] == [1, 2, 4, 300, 300]
