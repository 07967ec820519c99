"""The access matrix: every URL of the URLconf × every role × own and someone
else's object. What a user may not see answers 404 (or the sign-in page), and
nothing of another party's case ever appears in a response body."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disputes.models import Message
from tests.api.conftest import PNG
from tests.factories import PASSWORD

from .access import (
    ACCESS,
    ADMIN,
    ADMIN_PREFIX,
    PENDING,
    STAFF,
    WRITES,
    Access,
    access_of,
)
from .urlmap import Side, placeholders, to_path, url_patterns
from .world import ROLES, World, build_world, client_as

pytestmark = pytest.mark.django_db
ROUTES = list(url_patterns())
ADMIN_DEFAULTS = {"app_label": "disputes", "object_id": 1, "content_type_id": 1,
                  "id": 1, "url": "x", "action": "take"}  # fmt: skip
# Where a role is sent when a page is not for it: a sign-in page or its home.
HOMES = ("/accounts/login/", "/admin/login/", "/accounts/home/", "/admin/",
         "/disputes/", "/reports/")  # fmt: skip
ADMIN_OPEN = {"admin/login/", "admin/logout/"}


@pytest.fixture
def world() -> World:
    return build_world()


def address(route: str, access: Access, side: Side) -> str:
    values = {**ADMIN_DEFAULTS, **side.values}
    values.update({name: side.values[key] for name, key in access.fill.items()})
    return to_path(route, values) + access.query.format(**values)


def payload(access: Access, side: Side) -> tuple[object, str | None]:
    """(data, content type) for a POST."""
    kind = access.data
    forms = {
        "form:language": {"language": "en", "next": "/"},
        "form:withdraw": {"note": "撤回"},
        "form:message": {"body": "你好"},
        "form:evidence": {"file": SimpleUploadedFile("a.png", PNG), "description": "d"},
        "multipart": {"file": SimpleUploadedFile("a.png", PNG), "description": "d"},
    }
    if kind in forms:
        return forms[kind], None
    bodies = {
        "json:{}": {},
        "json:token": {"username": side.values["username"], "password": PASSWORD},
        "json:bulk": {"orders": []},
        "json:message": {"body": "你好"},
        "json:open": {
            "order": side.values["order"],
            "reason": "quality",
            "remedy": "refund_only",
            "amount": "1.00",
            "description": "破损",
        },
    }
    return json.dumps(bodies.get(kind, {})), "application/json"


def call(client, route: str, access: Access, side: Side):
    path = address(route, access, side)
    if access.method == "GET":
        return client.get(path)
    data, content_type = payload(access, side)
    if content_type:
        return client.post(path, data, content_type=content_type)
    return client.post(path, data)


def refused(response) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and location.split("?")[0].endswith(HOMES)


def allowed(response, access: Access) -> bool:
    if response.status_code >= 500:
        return False
    if response.status_code == 302 and not access.to_login:
        return not response["Location"].split("?")[0].endswith(("/login/",))
    return response.status_code < 400 or response.status_code in (400, 409)


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def test_every_url_is_classified():
    unclassified = [
        route for route in ROUTES if access_of(route) is None and route not in PENDING
    ]
    assert set(ROUTES) >= PENDING, "a pending route is gone: drop it from PENDING"
    assert unclassified == [], (
        "Add these routes to tests/security/access.py (who may use them, "
        f"whether they take someone's object): {unclassified}"
    )


def rows() -> list[tuple[str, Access]]:
    table = [(route, ACCESS.get(route)) for route in ROUTES]
    table += [(route, access) for route, access in WRITES.items()]
    return [(route, access) for route, access in table if access is not None]


def ids(table) -> list[str]:
    return [f"{access.method} /{route}" for route, access in table]


@pytest.mark.parametrize(("route", "access"), rows(), ids=ids(rows()))
def test_each_role_on_its_own_world(world, route, access):
    for role in ROLES:
        response = call(client_as(world.users[role]), route, access, world.mine)
        assert response.status_code < 500, (role, response.status_code)
        if role in access.users:
            assert allowed(response, access), (
                role,
                response.status_code,
                response.get("Location"),
            )
        else:
            assert refused(response), (
                role,
                response.status_code,
                response.get("Location"),
            )
        if role in ("anonymous", "buyer", "merchant"):
            leaked = [s for s in world.theirs.secrets if s in body(response)]
            assert leaked == [], (role, leaked)


ADMIN_ROUTES = [
    route
    for route in ROUTES
    if route.startswith(ADMIN_PREFIX) and route not in ADMIN_OPEN
]


def test_the_admin_sends_everyone_but_staff_to_its_sign_in(world):
    """Every admin address, whatever its arguments: non-staff never get in."""
    for role in ("anonymous", "buyer", "merchant"):
        client = client_as(world.users[role])
        for route in ADMIN_ROUTES:
            response = call(client, route, ADMIN, world.mine)
            assert response.status_code == 302, (role, route, response.status_code)
            assert response["Location"].startswith("/admin/login/"), (role, route)


def test_staff_never_get_a_server_error_in_the_admin(world):
    for role in sorted(STAFF):
        client = client_as(world.users[role])
        for route in ADMIN_ROUTES:
            response = call(client, route, ADMIN, world.mine)
            assert response.status_code < 500, (role, route, response.status_code)


SCOPED = [(route, access) for route, access in rows()
          if access.scoped and placeholders(route)]  # fmt: skip


@pytest.mark.parametrize(("route", "access"), SCOPED, ids=ids(SCOPED))
def test_parties_get_404_for_someone_elses_object(world, route, access):
    for role in ("buyer", "merchant"):
        response = call(client_as(world.users[role]), route, access, world.theirs)
        if role not in access.users and response.status_code in (403, 405):
            continue  # refused before the object is looked up; nothing leaks
        assert response.status_code == 404, (role, response.status_code)
        leaked = [s for s in world.theirs.secrets if s in body(response)]
        assert leaked == [], (role, leaked)


def test_an_agent_may_not_add_to_a_case_assigned_to_another_agent(world):
    """One rule, asked by the API, the portal and the workbench alike."""
    agent = world.users["agent"]  # assigned to "mine", not to "theirs"
    number = world.theirs.values["number"]
    client = client_as(agent)
    api = f"/api/v1/disputes/{number}/"
    for internal in (False, True):
        note = json.dumps({"body": "x", "internal": internal})
        reply = client.post(api + "messages/", note, content_type="application/json")
        assert reply.status_code == 403
    upload = client.post(api + "evidence/", {"file": SimpleUploadedFile("a.png", PNG)})
    assert upload.status_code == 403
    page = client.post(f"/disputes/{number}/messages/", {"body": "x"})
    assert page.status_code in (403, 302)
    assert not Message.objects.filter(author=agent).exists()
