"""The API's JSON renderer writes exactly the bytes DRF's renderer writes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy, override
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

from core.fastpath_json import JSONRenderer
from tests import factories as f

from .conftest import client_for

SH = timezone(timedelta(hours=8))

PAYLOADS = {
    "figures": {"rate": 0.4917, "hours": 171.26, "none": None, "whole": 1.0},
    "integers": [0, -1, 2**63 - 1, 120_693],
    "chinese": {"label": "潮流前线服饰旗舰店", "reason": "质量问题"},
    "escapes": {"text": 'a"b\\c\n\t\u0001', "separators": "x\u2028y\u2029z"},
    "int keys": {1: "a", 22: {"b": [1, 2]}},
    "dates": {"day": date(2026, 11, 28), "at": time(23, 30)},
    "utc": datetime(2026, 11, 27, 22, 41, 59, 123456, tzinfo=UTC),
    "china time": datetime(2026, 11, 28, 6, 41, 59, tzinfo=SH),
    "naive": datetime(2026, 11, 28, 6, 41, 59),
    "duration": timedelta(hours=30, seconds=5),
    "decimal": {"amount": Decimal("199.00"), "rate": Decimal("0.4917")},
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "lazy": {"label": gettext_lazy("All")},
    "beyond 64 bits": {"n": 2**70},
    "empty": {},
    "nested": [{"rows": [{"key": None, "label": "全部", "cases": 5}]}, []],
}


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_bytes_are_drfs(payload, language):
    with override(language):
        assert JSONRenderer().render(payload) == DRFJSONRenderer().render(payload)


def test_nothing_renders_as_nothing():
    assert JSONRenderer().render(None) == b""


def test_indented_json_is_still_given_on_request():
    media = "application/json; indent=2"
    payload = {"a": [1, {"b": "全部"}]}
    assert JSONRenderer().render(payload, media) == DRFJSONRenderer().render(
        payload, media
    )
    assert b"\n  " in JSONRenderer().render(payload, media)


def test_what_drf_refuses_is_refused():
    with pytest.raises(TypeError):
        JSONRenderer().render({"x": object()})


@pytest.mark.django_db
def test_the_api_answers_through_it():
    """A case and a report as the API gives them: DRF's bytes."""
    story = f.case_in_state("ruled")
    for user, path in (
        (story.buyer, f"/api/v1/disputes/{story.case.number}/"),
        (f.manager(), "/api/v1/reports/summary/?group_by=store"),
    ):
        response = client_for(user).get(path)
        assert response.status_code == 200, response.content
        assert isinstance(response.accepted_renderer, JSONRenderer)
        assert response.content == DRFJSONRenderer().render(response.data)
