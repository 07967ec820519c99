"""The supervisors' governance queue: proposals, appeals and contests, each
decided with a written reason, no decision preselected; the case page's
store flag reads the governance tier."""

from __future__ import annotations

import pytest

from reports.contests import contest_file
from stores.governance import action_decide, action_propose, appeal_file
from stores.models import GovernanceAction
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_queue_and_decisions(login):
    store = f.StoreFactory()
    proposal = action_propose(
        store=store, to_tier="warning", score=60,
        facts={"score": "60.0", "window_days": 30, "orders": 40,
               "figures": [{"name": "dispute_rate", "numerator": 4,
                            "denominator": 40, "weight": 25, "points": 25}]},
    )  # fmt: skip
    case = f.DisputeFactory(order__store=store)
    contest_file(dispute=case, actor=store.owner, grounds="force_majeure",
                 reason="台风", evidence="气象局公告")  # fmt: skip
    boss = f.supervisor()
    client = login(boss)
    html = client.get("/admin/stores/governanceaction/queue/").content.decode()
    assert store.name in html and case.number in html
    page = client.get(f"/admin/stores/governanceaction/{proposal.pk}/decide/")
    body = page.content.decode()
    assert "Dispute rate" in body and "checked" not in body
    r = client.post(
        f"/admin/stores/governanceaction/{proposal.pk}/decide/",
        {"decision": "apply", "reason": "连续两周下降"},
    )
    assert r.status_code == 302
    store.refresh_from_db()
    assert store.tier == "warning"
    # The appeal: the supervisor who decided cannot decide it.
    appeal = appeal_file(action=GovernanceAction.objects.get(), actor=store.owner,
                         reason="数据有误")  # fmt: skip
    r = client.post(
        f"/admin/stores/governanceappeal/{appeal.pk}/decide/",
        {"decision": "overturn", "reason": "x"},
    )
    appeal.refresh_from_db()
    assert appeal.state == "pending"
    other = login(f.supervisor())
    other.post(
        f"/admin/stores/governanceappeal/{appeal.pk}/decide/",
        {"decision": "uphold", "reason": "数据无误"},
    )
    appeal.refresh_from_db()
    assert appeal.state == "upheld"
    r = other.post(
        f"/admin/reports/casecontest/{case.health_contest.pk}/decide/",
        {"decision": "exclude", "reason": "属实"},
    )
    case.health_contest.refresh_from_db()
    assert case.health_contest.state == "upheld"


def test_agents_see_the_queue_but_do_not_decide(login):
    action = action_propose(store=f.StoreFactory(), to_tier="watch", score=80)
    client = login(f.agent())
    assert client.get("/admin/stores/governanceaction/queue/").status_code == 200
    r = client.post(
        f"/admin/stores/governanceaction/{action.pk}/decide/",
        {"decision": "apply", "reason": "x"},
    )
    assert r.status_code == 403


def test_the_store_flag_reads_the_tier(login):
    case = f.DisputeFactory()
    from workbench.queues import party_history

    assert party_history(dispute=case)["store"]["repeat"] is False
    action = action_propose(store=case.store, to_tier="warning", score=60)
    action_decide(action=action, actor=f.supervisor(), approve=True, reason="下降")
    case.store.refresh_from_db()
    history = party_history(dispute=case)["store"]
    assert history["repeat"] is True and "Warning" in history["repeat_rule"]
