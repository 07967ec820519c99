"""Every form is protected against cross-site requests, and every page carries
the security headers (a strict Content-Security-Policy among them)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from .access import ACCESS
from .test_access_matrix import call
from .world import ROLES, build_world, client_as

pytestmark = pytest.mark.django_db
POST_FORM = re.compile(r"<form\b[^>]*method=[\"']?post[^>]*>(.*?)</form>", re.I | re.S)
ADMIN_PAGES = [
    "/admin/",
    "/admin/disputes/dispute/",
    "/admin/disputes/dispute/{pk}/change/",
    "/admin/stores/store/",
    "/admin/axes/accessattempt/",
]


@pytest.fixture
def world():
    return build_world()


def html_pages(world):
    """(role, response) for every HTML page each role may open."""
    from disputes.models import Dispute

    pk = Dispute.objects.get(number=world.mine.values["number"]).pk
    for role in ROLES:
        client = client_as(world.users[role])
        for route, access in ACCESS.items():
            if access.method == "GET" and access.html and role in access.users:
                yield role, call(client, route, access, world.mine)
        if role == "supervisor":
            for page in ADMIN_PAGES:
                yield role, client.get(page.format(pk=pk))


def test_every_post_form_on_every_page_carries_a_csrf_token(world):
    checked = 0
    for role, response in html_pages(world):
        for form in POST_FORM.findall(response.content.decode()):
            assert 'name="csrfmiddlewaretoken"' in form, (role, response.request)
            checked += 1
    assert checked > 10


def test_every_post_without_a_csrf_token_is_refused(world):
    for route, access in ACCESS.items():
        if access.method != "POST" or route == "api/v1/auth/token/":
            continue
        role = sorted(access.users - {"anonymous"})[0]
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.users[role])
        response = call(client, route, access, world.mine)
        assert response.status_code == 403, (route, role, response.status_code)


def test_signing_in_needs_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403


def test_every_page_carries_the_security_headers(world):
    seen = 0
    for role, response in html_pages(world):
        if response.status_code != 200:
            continue
        seen += 1
        where = (role, response.request["PATH_INFO"])
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, where
        for directive in (
            "default-src 'self'",
            "script-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ):
            assert directive in policy, (where, directive)
        assert response["Referrer-Policy"] == "same-origin", where
        assert "camera=()" in response["Permissions-Policy"], where
        assert response["X-Content-Type-Options"] == "nosniff", where
        assert response["X-Frame-Options"] == "DENY", where
    assert seen > 15


def test_no_template_has_inline_script_style_or_handlers():
    from pathlib import Path

    from django.conf import settings

    inline = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|"
        r"<style\b|\sstyle=|\son[a-z]+=",
        re.I,
    )
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in (settings.BASE_DIR / "templates").rglob("*.html")
        if inline.search(path.read_text())
    ]
    assert offenders == []
    assert Path(settings.BASE_DIR / "static/portal/portal.js").exists()
