"""Who gets what on every portal page: (role, page) -> status.

Not visible answers 404; agents and supervisors are sent to the admin and
managers to the reports from the two list pages; everybody signed in reads
the rules; anonymous users are sent to sign in.
"""

from __future__ import annotations

import pytest

ROLES = [
    "anonymous",
    "buyer",
    "other_buyer",
    "merchant",
    "other_merchant",
    "agent",
    "supervisor",
    "manager",
]

# page -> status for each role, in the order of ROLES.
MATRIX = {
    "orders": [302, 200, 200, 200, 200, 302, 302, 302],
    "disputes": [302, 200, 200, 200, 200, 302, 302, 302],
    "new": [302, 200, 404, 404, 404, 404, 404, 404],
    "detail": [302, 200, 404, 200, 404, 200, 200, 200],
    "evidence": [302, 200, 404, 200, 404, 200, 200, 200],
    "rules": [302, 200, 200, 200, 200, 200, 200, 200],
    "action": [302, 200, 404, 403, 404, 403, 403, 403],
}

CASES = [
    (page, role, statuses[i])
    for page, statuses in MATRIX.items()
    for i, role in enumerate(ROLES)
]


def url_of(page: str, world) -> str:
    case = world.story.case
    return {
        "orders": "/orders/",
        "disputes": "/disputes/",
        "new": f"/disputes/new/?order={world.fresh_order.number}",
        "detail": f"/disputes/{case.number}/",
        "evidence": f"/disputes/{case.number}/evidence/{world.evidence.pk}/",
        "rules": "/disputes/rules/",
        "action": f"/disputes/{case.number}/actions/withdraw/",
    }[page]


@pytest.mark.parametrize(("page", "role", "status"), CASES)
def test_permission_matrix(world, login, page, role, status):
    client = login(world.users[role])
    url = url_of(page, world)
    if page == "action":
        response = client.post(url, {"note": ""})
        if status == 200:
            status = 302  # the buyer's withdraw succeeds and redirects back
    else:
        response = client.get(url)
    assert response.status_code == status, (page, role, response.status_code)
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("role", "home"),
    [("agent", "/admin/"), ("supervisor", "/admin/"), ("manager", "/reports/")],
)
def test_staff_are_sent_home_from_the_lists(world, login, role, home):
    client = login(world.users[role])
    for url in ("/orders/", "/disputes/"):
        assert client.get(url)["Location"] == home


def test_unknown_case_and_unknown_action_are_404(world, login):
    client = login(world.users["buyer"])
    case = world.story.case
    assert client.get("/disputes/D000000000/").status_code == 404
    assert client.post(f"/disputes/{case.number}/actions/rule/").status_code == 404
    assert client.get("/disputes/new/?order=nope").status_code == 404
    assert client.get("/disputes/new/").status_code == 404
    other = world.evidence.pk + 1000
    url = f"/disputes/{case.number}/evidence/{other}/"
    assert client.get(url).status_code == 404


def test_get_on_an_action_is_refused(world, login):
    client = login(world.users["buyer"])
    case = world.story.case
    assert client.get(f"/disputes/{case.number}/actions/withdraw/").status_code == 405


def test_csrf_is_enforced(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["buyer"])
    case = world.story.case
    response = client.post(f"/disputes/{case.number}/actions/withdraw/")
    assert response.status_code == 403
    world.story.refresh()
    assert world.story.case.state == "negotiation"
