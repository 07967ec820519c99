"""The deadlines running on a case, from one rule: the case's next deadline
(`deadline_at`) is the first of them, and the workbench's case page lists
exactly them (`rules_pure.running_deadlines`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from core.workcalendar import working_hours
from disputes import selectors
from disputes.choices import DeadlineKind
from disputes.policy import policy_for
from disputes.rules_pure import governing, running_deadlines
from tests.factories import case_in_state
from workbench.admin.cases import DisputeAdmin

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday 10:00 in Shanghai
L, E = NOW + timedelta(hours=5), NOW - timedelta(hours=5)  # later, earlier
RULING = ("ruling", NOW + timedelta(hours=30))
PICKUP = ("pickup", NOW + timedelta(hours=20))
FILED = NOW - timedelta(hours=1)  # Thursday 09:00 in Shanghai
NO = ""  # the merchant has not answered

# state, merchant's answer, merchant due, evidence due, appeal due, agents'
# target → the running deadlines' kinds, the governing one first
TABLE = [
    ("negotiation", NO, L, None, None, None, ["merchant_response"]),
    ("negotiation", NO, E, None, None, None, ["merchant_response"]),
    ("negotiation", "rejected", L, None, None, None, []),
    ("negotiation", "offered", L, None, None, None, []),
    ("complaint", "rejected", E, None, None, PICKUP, ["pickup"]),
    ("verification", "rejected", E, L, None, RULING, ["evidence", "ruling"]),
    ("verification", "rejected", E, E, None, RULING, ["ruling"]),
    ("mediation", "rejected", E, L, None, RULING, ["ruling", "evidence"]),
    ("mediation", "rejected", E, E, None, RULING, ["ruling"]),
    ("ruled", "rejected", E, E, L, None, ["appeal_window"]),
    ("ruled", "rejected", E, E, E, None, ["appeal_window"]),
    ("appeal", "rejected", E, E, E, None, ["appeal_review"]),
    ("closed", "accepted", E, None, None, None, []),
]


@pytest.mark.parametrize(
    "state, answer, merchant_due, evidence_due, appeal_due, target, kinds", TABLE
)
def test_which_deadlines_run_in_each_state(
    state, answer, merchant_due, evidence_due, appeal_due, target, kinds
):
    case = SimpleNamespace(
        state=state,
        merchant_response=answer,
        merchant_deadline_at=merchant_due,
        evidence_deadline_at=evidence_due,
        appeal_deadline_at=appeal_due,
    )
    running = running_deadlines(
        case,
        policy_for(None),
        appeal_filed_at=FILED if state == "appeal" else None,
        target=target,
        now=NOW,
        calendar=working_hours(),
    )
    assert [d.kind for d in running] == kinds
    assert governing(running) == (
        (running[0].at, running[0].kind) if running else (None, "")
    )


def test_the_appeal_review_counts_the_ruling_target_in_working_hours():
    case = SimpleNamespace(
        state="appeal",
        merchant_response="rejected",
        merchant_deadline_at=None,
        evidence_deadline_at=None,
        appeal_deadline_at=None,
    )
    [review] = running_deadlines(
        case,
        policy_for(None),
        appeal_filed_at=FILED,
        target=None,
        now=NOW,
        calendar=working_hours(),
    )
    # 72 working hours, 12 a day: Thursday to Friday, Monday to Thursday.
    assert review.at == datetime(2026, 12, 3, 21, 0, tzinfo=SHANGHAI)


# A case driven through the services into each state → what runs on it.
LIVE = {
    "negotiation": ["merchant_response"],
    "complaint": ["pickup"],
    "verification": ["evidence", "ruling"],
    "mediation": ["ruling", "evidence"],
    "ruled": ["appeal_window"],
    "appeal": ["appeal_review"],
    "closed": [],
}


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "kinds"), LIVE.items())
def test_the_case_and_the_workbench_read_the_same_deadlines(state, kinds):
    case = case_in_state(state).refresh()
    running = selectors.dispute_deadlines(dispute=case)
    assert [d.kind for d in running] == kinds
    assert governing(running) == (case.deadline_at, case.deadline_kind or "")
    shown = DisputeAdmin.deadlines(case)
    labels = dict(DeadlineKind.choices)
    assert [(row["label"], row["at"]) for row in shown] == [
        (labels[d.kind], d.at) for d in running
    ]
