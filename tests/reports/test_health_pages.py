"""Store health pages and API: what each role sees, the page's content and
its query count."""

from __future__ import annotations

import pytest
from django.test import Client

from reports.health import health_recompute
from stores.governance import action_decide, action_propose, appeal_file
from tests import factories as f
from tests.api.conftest import client_for

from .test_health import world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_api_matches_the_design(world):  # noqa: F811
    s2 = world["stores"][1]
    health_recompute()
    body = client_for(s2.owner).get(f"/api/v1/stores/{s2.pk}/health/").json()
    assert set(body) == {
        "store", "score", "tier", "window_days", "orders", "figures", "computed_at",
    }  # fmt: skip
    assert body["score"] == "32.5" and body["window_days"] == 30
    assert body["orders"] == 40 and body["tier"] == "good"
    assert body["figures"][0] == {
        "name": "dispute_rate", "value": 0.1, "numerator": 4, "denominator": 40,
        "weight": 25, "category_median": 0.01, "percentile": 0.25,
    }  # fmt: skip
    s5 = world["stores"][4]
    small = client_for(f.agent()).get(f"/api/v1/stores/{s5.pk}/health/").json()
    assert small["score"] is None and small["window_days"] == 90


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("other_merchant", 404), ("buyer", 404), ("agent", 200),
     ("manager", 200), ("supervisor", 200)],
)  # fmt: skip
def test_api_access(who, status):
    store = f.StoreFactory()
    user = {
        "owner": store.owner, "other_merchant": f.merchant(), "buyer": f.buyer(),
        "agent": f.agent(), "manager": f.manager(), "supervisor": f.supervisor(),
    }[who]  # fmt: skip
    r = client_for(user).get(f"/api/v1/stores/{store.pk}/health/")
    assert r.status_code == status
    assert client_for(user).get("/api/v1/stores/999999/health/").status_code == 404


def test_merchant_page_and_access(world, django_assert_max_num_queries):  # noqa: F811
    s2 = world["stores"][1]
    health_recompute()
    action = action_propose(store=s2, to_tier="suspended", score=30)
    boss = f.supervisor()
    action_decide(action=action, actor=boss, approve=True, reason="纠纷率过高")
    client = signed_in(s2.owner)
    with django_assert_max_num_queries(20):
        r = client.get("/reports/store/health/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "32.5" in html and "4 cases opened / 40 orders placed" in html
    assert "纠纷率过高" in html and "File the appeal" in html
    r = client.post(f"/reports/store/health/appeal/{action.pk}/", {"reason": "误判"})
    assert r.status_code == 302
    assert "decision due by" in client.get("/reports/store/health/").content.decode()
    other = signed_in(f.merchant())
    assert other.get(f"/reports/store/health/?store={s2.pk}").status_code == 404
    assert signed_in(f.buyer()).get("/reports/store/health/").status_code == 404
    staff = signed_in(f.agent())
    assert staff.get(f"/reports/store/health/?store={s2.pk}").status_code == 200


def test_managers_page(world, django_assert_max_num_queries):  # noqa: F811
    s2 = world["stores"][1]
    health_recompute()
    boss, other = f.supervisor(), f.supervisor()
    action = action_propose(store=s2, to_tier="suspended", score=30)
    action_decide(action=action, actor=boss, approve=True, reason="纠纷率过高")
    appeal = appeal_file(action=action, actor=s2.owner, reason="误判")
    from stores.governance import appeal_decide

    appeal_decide(appeal=appeal, actor=other, overturn=True, reason="证据充分")
    client = signed_in(f.manager())
    with django_assert_max_num_queries(15):
        r = client.get("/reports/stores/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "100.0 %" in html  # one action, overturned on appeal
    assert signed_in(s2.owner).get("/reports/stores/").status_code == 404


def test_case_page_shows_the_merchant_what_a_ruling_would_do(world):  # noqa: F811
    s2 = world["stores"][1]
    health_recompute()
    case = s2.disputes.get(
        merchant_responded_at__isnull=True, intervened_at__isnull=True
    )
    client = signed_in(s2.owner)
    html = client.get(case.get_absolute_url()).content.decode()
    assert "If ruled against you" in html and "(1/40)" in html and "(2/40)" in html
    r = client.post(
        f"/reports/store/health/contest/{case.number}/",
        {"grounds": "buyer_abuse", "reason": "恶意", "evidence": "聊天记录"},
    )
    assert r.status_code == 302
    html = client.get(case.get_absolute_url()).content.decode()
    assert "Awaiting a supervisor" in html
    # The buyer sees none of it, and cannot contest.
    buyer = signed_in(case.buyer)
    assert (
        "If ruled against you"
        not in buyer.get(case.get_absolute_url()).content.decode()
    )
    r = buyer.post(
        f"/reports/store/health/contest/{case.number}/",
        {"grounds": "other", "reason": "x", "evidence": "y"},
    )
    assert case.health_contest.filed_by == s2.owner


@pytest.mark.parametrize("segment", ["null,null", "abc", "-1", "1.5"])
def test_api_answers_a_malformed_store_id_with_the_apis_json_404(segment):
    r = client_for(f.agent()).get(f"/api/v1/stores/{segment}/health/")
    assert r.status_code == 404
    assert r["Content-Type"].startswith("application/json")
