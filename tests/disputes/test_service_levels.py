"""Agents' targets on the working calendar, the parties' deadlines on calendar
time, and every automatic action of the sweep, with the clock moved."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from disputes import services
from disputes.choices import DeadlineKind, RequestStatus, Resolution, State
from disputes.models import Dispute, DisputeEvent, EvidenceRequest
from tests.factories import case_in_state
from workbench import queues as workbench

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


def sweep_at(moment: datetime) -> str:
    """Run `apply_deadlines` with the clock at `moment`."""
    out = StringIO()
    with time_machine.travel(moment, tick=False):
        call_command("apply_deadlines", stdout=out)
    return out.getvalue()


def entries(case: Dispute, action: str) -> list[DisputeEvent]:
    return list(DisputeEvent.objects.filter(dispute=case, action=action))


def complaint_at(moment: datetime, **kw):
    """A complaint whose intervention happened at `moment`."""
    with time_machine.travel(moment, tick=False):
        return case_in_state("complaint", **kw)


class TestPickupTargetOverAWeekend:
    """Intervention Friday 27 Nov 15:00: 24 working hours run 6 h on Friday,
    12 h on Monday and 6 h on Tuesday: due Tuesday 1 Dec 15:00; the 80 %
    warning (19.2 h) falls on Tuesday at 10:12."""

    def test_the_target_counts_working_hours_only(self):
        case = complaint_at(at(11, 27, 15)).case
        assert case.sla_due_at == at(12, 1, 15)
        assert case.sla_warn_at == at(12, 1, 10, 12)
        assert (case.deadline_at, case.deadline_kind) == (
            at(12, 1, 15),
            DeadlineKind.PICKUP,
        )

    def test_nothing_over_the_weekend_then_a_warning_then_a_breach(self):
        story = complaint_at(at(11, 27, 15))
        sweep_at(at(11, 28, 16))  # wall-clock 24 h have passed: no matter
        sweep_at(at(12, 1, 10, 11))
        case = story.refresh()
        assert case.pickup_breached_at is None
        assert entries(case, "sla_warning") == []

        sweep_at(at(12, 1, 10, 13))
        case = story.refresh()
        [warning] = entries(case, "sla_warning")
        assert warning.internal and warning.actor_role == "system"
        assert case.pickup_warned_at == at(12, 1, 10, 13)
        assert list(workbench.due_soon(now=at(12, 1, 10, 13))) == [case]

        out = sweep_at(at(12, 1, 15, 1))
        case = story.refresh()
        [breach] = entries(case, "sla_breach")
        assert breach.internal
        assert case.pickup_breached_at == at(12, 1, 15)  # when it was due
        assert "agent targets missed: 1" in out
        assert len(entries(case, "sla_warning")) == 1  # warned once only

    def test_the_breach_stays_after_the_case_moves_on(self):
        story = complaint_at(at(11, 27, 15))
        sweep_at(at(12, 1, 16))
        with time_machine.travel(at(12, 1, 17), tick=False):
            services.dispute_take(dispute=story.case, actor=story.agent)
        case = story.refresh()
        assert case.state == State.VERIFICATION
        assert case.pickup_breached_at == at(12, 1, 15)
        assert case.ruling_breached_at is None
        sweep_at(at(12, 1, 18))
        assert story.refresh().pickup_breached_at == at(12, 1, 15)

    def test_taken_in_time_means_no_breach(self):
        story = complaint_at(at(11, 27, 15))
        with time_machine.travel(at(11, 30, 10), tick=False):
            services.dispute_take(dispute=story.case, actor=story.agent)
        sweep_at(at(12, 2, 9))
        case = story.refresh()
        assert case.pickup_breached_at is None
        assert entries(case, "sla_warning") == entries(case, "sla_breach") == []

    def test_a_category_may_set_its_own_target(self):
        story = complaint_at(
            at(11, 27, 15),
            store__category__code="fresh",
            store__category__pickup_sla_hours=4,
        )
        assert story.case.sla_due_at == at(11, 27, 19)
        sweep_at(at(11, 27, 19, 1))
        assert story.refresh().pickup_breached_at is not None


class TestRulingTargetOverNationalDay:
    """Picked up Wednesday 30 Sept 12:00: 72 working hours are 9 h that day,
    nothing 1–7 October, 12 h on 8 and 9 October, 12 h on Saturday 10 October
    (a make-up working day), nothing on Sunday, 12 h on 12 and 13 October, 3 h
    on 14 October: due Wednesday 14 October 12:00; warning (57.6 h) on
    Tuesday 13 October at 09:36."""

    def taken(self):
        story = complaint_at(at(9, 30, 10))
        with time_machine.travel(at(9, 30, 12), tick=False):
            services.dispute_take(dispute=story.case, actor=story.agent)
        return story

    def test_the_target_skips_the_holiday_and_counts_the_make_up_day(self):
        case = self.taken().refresh()
        assert case.sla_due_at == at(10, 14, 12)
        assert case.sla_warn_at == at(10, 13, 9, 36)

    def test_warning_and_breach_on_working_time(self):
        story = self.taken()
        sweep_at(at(10, 12, 21))
        case = story.refresh()
        assert case.ruling_warned_at is None
        sweep_at(at(10, 13, 9, 40))
        case = story.refresh()
        assert len(entries(case, "sla_warning")) == 1
        assert case.ruling_warned_at == at(10, 13, 9, 40)
        sweep_at(at(10, 14, 11, 59))
        assert story.refresh().ruling_breached_at is None
        with time_machine.travel(at(10, 14, 11), tick=False):
            services.dispute_start_mediation(dispute=story.case, actor=story.agent)
        assert story.refresh().deadline_kind == DeadlineKind.RULING
        sweep_at(at(10, 14, 12, 1))
        case = story.refresh()
        assert case.ruling_breached_at == at(10, 14, 12)
        assert case.state == State.MEDIATION

    def test_the_evidence_deadline_runs_on_calendar_time_and_the_case_goes_on(
        self,
    ):
        story = self.taken()
        case = story.refresh()
        assert case.evidence_deadline_at == at(10, 3, 12)  # 72 h, holiday or not
        assert case.deadline_kind == DeadlineKind.EVIDENCE
        sweep_at(at(10, 3, 11))
        assert entries(case, "evidence_deadline") == []
        out = sweep_at(at(10, 3, 13))
        case = story.refresh()
        [passed] = entries(case, "evidence_deadline")
        assert not passed.internal  # the parties see it too
        assert case.state == State.VERIFICATION
        assert (case.deadline_at, case.deadline_kind) == (
            at(10, 14, 12),
            DeadlineKind.RULING,
        )
        assert "evidence deadlines passed: 1" in out
        sweep_at(at(10, 4, 13))
        assert len(entries(case, "evidence_deadline")) == 1

    def test_ruling_in_time_ends_the_target(self):
        story = self.taken()
        with time_machine.travel(at(10, 9, 10), tick=False):
            story.case = services.dispute_rule(
                dispute=story.case,
                actor=story.agent,
                outcome="merchant",
                liability="none",
                rule=story.rule,
                reasoning="证据不足",
            )
        case = story.refresh()
        assert (case.sla_due_at, case.sla_warn_at) == (None, None)
        sweep_at(at(10, 15, 10))
        assert story.refresh().ruling_breached_at is None


class TestMakeUpWorkingDay:
    def test_a_complaint_on_the_make_up_saturday_is_on_the_clock(self):
        # Saturday 10 October 2026 is a working day (调休): its 12 h count, the
        # Sunday does not; 12 h more on Monday: due Monday 12 October 21:00
        # (Tuesday 21:00 if the Saturday were a day off). Warning at 19.2 h:
        # Monday 16:12.
        story = complaint_at(at(10, 10, 9))
        assert story.case.sla_due_at == at(10, 12, 21)
        assert story.case.sla_warn_at == at(10, 12, 16, 12)
        sweep_at(at(10, 11, 23))
        assert entries(story.case, "sla_warning") == []
        sweep_at(at(10, 12, 16, 15))
        assert len(entries(story.case, "sla_warning")) == 1
        sweep_at(at(10, 12, 21, 5))
        assert story.refresh().pickup_breached_at == at(10, 12, 21)


class TestPartiesDeadlinesStayOnCalendarTime:
    def test_silent_merchant_escalates_after_48_calendar_hours_over_a_holiday(self):
        with time_machine.travel(at(9, 30, 20), tick=False):
            story = case_in_state("negotiation")
        sweep_at(at(10, 2, 19, 59))
        assert story.refresh().state == State.NEGOTIATION
        sweep_at(at(10, 2, 20, 1))
        case = story.refresh()
        assert case.state == State.COMPLAINT
        # The pick-up target then waits for the first working day (8 October).
        assert case.sla_due_at == at(10, 9, 21)

    def test_the_appeal_window_closes_over_a_weekend(self):
        with time_machine.travel(at(11, 20, 10), tick=False):
            story = case_in_state("ruled")
        sweep_at(at(11, 27, 9, 59))
        assert story.refresh().state == State.RULED
        sweep_at(at(11, 27, 10, 1))
        assert story.refresh().resolution == Resolution.RULED

    def test_a_category_may_auto_refund_silent_merchants(self):
        with time_machine.travel(at(11, 23, 10), tick=False):
            refunding = case_in_state(
                "negotiation",
                store__category__code="digital",
                store__category__silent_merchant_action="auto_refund",
            )
            escalating = case_in_state("negotiation")
        sweep_at(at(11, 25, 11))
        assert refunding.refresh().resolution == Resolution.AUTO_REFUNDED
        assert escalating.refresh().state == State.COMPLAINT


class TestEvidenceRequestsCloseWithTheirCase:
    def test_a_closed_case_never_times_out_a_request_nor_mails_about_it(self):
        with time_machine.travel(at(11, 23, 10), tick=False):
            story = case_in_state("verification")
            services.dispute_request_evidence(
                dispute=story.case, actor=story.agent, party="merchant", note="发货凭证"
            )
            services.dispute_withdraw(dispute=story.case, actor=story.buyer)
        request = EvidenceRequest.objects.get(dispute=story.case)
        assert request.status == RequestStatus.CLOSED
        assert request.closed_at == at(11, 23, 10)
        mail.outbox.clear()
        out = sweep_at(at(11, 30, 10))
        request.refresh_from_db()
        assert request.status == RequestStatus.CLOSED
        assert entries(story.case, "evidence_timeout") == []
        assert "evidence requests timed out: 0" in out
        assert mail.outbox == []

    def test_a_request_left_open_on_a_closed_case_is_not_timed_out(self):
        # Rows from before requests closed with their case.
        with time_machine.travel(at(11, 23, 10), tick=False):
            story = case_in_state("verification")
            services.dispute_request_evidence(
                dispute=story.case, actor=story.agent, party="buyer", note="照片"
            )
            services.dispute_withdraw(dispute=story.case, actor=story.buyer)
        EvidenceRequest.objects.update(status=RequestStatus.OPEN, closed_at=None)
        sweep_at(at(11, 30, 10))
        assert EvidenceRequest.objects.get().status == RequestStatus.OPEN
        assert entries(story.case, "evidence_timeout") == []


def test_cases_without_a_target_get_one_from_the_sweep():
    story = complaint_at(at(11, 27, 15))
    Dispute.objects.filter(pk=story.case.pk).update(sla_due_at=None, sla_warn_at=None)
    out = sweep_at(at(11, 27, 16))
    assert story.refresh().sla_due_at == at(12, 1, 15)
    assert "agent targets set: 1" in out


def test_the_workbench_flags_a_missed_target_after_the_case_moved(client):
    story = complaint_at(at(11, 27, 15))
    sweep_at(at(12, 1, 16))
    with time_machine.travel(at(12, 1, 17), tick=False):
        services.dispute_take(dispute=story.case, actor=story.agent)
    client.force_login(story.agent)
    with time_machine.travel(at(12, 1, 18), tick=False):
        page = client.get("/admin/disputes/dispute/?state=open").content.decode()
    assert story.case.number in page
    assert "Agent target missed" in page
