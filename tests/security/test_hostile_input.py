"""Hostile input answers 400/404/413, never a 500: NUL bytes, deeply nested
JSON, dates at the end of the calendar, bodies larger than the limit."""

from __future__ import annotations

import pytest
from django.test import Client

from core.middleware import json_depth
from tests import factories as f
from tests.api.conftest import client_for, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return f.case_in_state("negotiation")


def web(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def api(user):
    client = client_for(user)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/orders/%00/",
        "/api/v1/disputes/%00/",
        "/api/v1/disputes/{n}%00/",
        "/api/v1/disputes/{n}%00/timeline/",
        "/disputes/{n}%00/",
        "/disputes/%00/",
        "/orders/%00/",
        "/disputes/rules/%00/v1/",
    ],
)
def test_a_nul_byte_in_the_path_is_404(story, path):
    path = path.format(n=story.case.number)
    assert web(story.buyer).get(path).status_code == 404
    assert api(story.buyer).get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/disputes/new/?order=%00",
        "/disputes/?state=%00",
        "/orders/?q=%00",
        "/api/v1/disputes/?state=%00",
        "/api/v1/disputes/?store=%00",
        "/api/v1/orders/?cursor=%00",
        "/reports/?group_by=%00",
    ],
)
def test_a_nul_byte_in_the_query_string_is_400(story, path):
    assert web(story.buyer).get(path).status_code == 400
    assert api(story.buyer).get(path).status_code == 400


def nested(depth: int) -> str:
    return '{"note": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("depth", [65, 500, 100_000])
@pytest.mark.parametrize("with_key", [False, True])
def test_json_nested_too_deeply_is_400(story, depth, with_key):
    headers = {"HTTP_IDEMPOTENCY_KEY": f"deep-{depth}"} if with_key else {}
    response = api(story.merchant).post(
        url(story.case.number, "actions/reject"),
        nested(depth),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_json_within_the_depth_limit_is_read_normally(story):
    response = api(story.merchant).post(
        url(story.case.number, "actions/reject"),
        '{"reason": "[{not json brackets in a string]]]]"}',
        content_type="application/json",
    )
    assert response.status_code == 200


def test_json_depth_ignores_brackets_inside_strings():
    assert json_depth(b'{"a": "[[[[", "b": [1, {"c": "\\"]]"}]}') == 3


def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(story, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1024
    response = api(story.buyer).post(
        url(story.case.number, "evidence"),
        {"description": "x" * 4096},
        format="multipart",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    page = web(story.buyer).post(
        f"/disputes/{story.case.number}/evidence/", {"description": "x" * 4096}
    )
    assert page.status_code == 413


END_OF_CALENDAR = ["9999-12-31", "0001-01-01", "10000-01-01", "2026-02-30", "%00"]


@pytest.mark.parametrize("value", END_OF_CALENDAR)
@pytest.mark.parametrize("field", ["date_from", "date_to"])
def test_report_dates_at_the_end_of_the_calendar_never_500(field, value):
    manager = f.manager()
    for path in ("/reports/", "/reports/?format=csv"):
        sep = "&" if "?" in path else "?"
        response = web(manager).get(f"{path}{sep}{field}={value}")
        assert response.status_code in {200, 400}, (path, response.status_code)
    response = api(manager).get(f"/api/v1/reports/intervention/?{field}={value}")
    assert response.status_code in {200, 400}


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_case_list_date_filters_at_the_end_of_the_calendar_never_500(value):
    agent = f.agent()
    for name in ("opened_after", "opened_before"):
        response = api(agent).get(f"/api/v1/disputes/?{name}={value}")
        assert response.status_code in {200, 400}
