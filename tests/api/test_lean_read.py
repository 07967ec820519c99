"""The case serializers' lean read path answers exactly what DRF's would."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.utils import translation
from rest_framework import serializers

from disputes.api import fastpath_read as lean
from disputes.api.serializers import DisputeSerializer
from tests import factories as f

from .conftest import client_for

pytestmark = pytest.mark.django_db

STATES = ["negotiation", "complaint", "mediation", "ruled", "appeal", "closed"]


def drf_way():
    return mock.patch.object(
        lean.LeanReadMixin,
        "to_representation",
        serializers.Serializer.to_representation,
    )


@pytest.mark.parametrize("path", ["/api/v1/disputes/", "/api/v1/disputes/{n}/"])
@pytest.mark.parametrize("who", ["agent", "buyer"])
def test_case_answers_match_drfs(path, who):
    stories = [f.case_in_state(state) for state in STATES]
    user = stories[0].agent if who == "agent" else stories[-1].case.buyer
    client = client_for(user)
    url = path.format(n=stories[-1].case.number)
    lean_answer = client.get(url)
    with drf_way():
        drf_answer = client.get(url)
    assert lean_answer.status_code == 200
    assert lean_answer.content == drf_answer.content
    if path == "/api/v1/disputes/" and who == "agent":
        rows = json.loads(lean_answer.content)["results"]
        assert {r["state"] for r in rows} >= {"ruled", "appeal", "closed"}
        assert any(r["ruling"] for r in rows) and any(r["appeal"] for r in rows)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_field_matches_for_every_state(language, rf):
    stories = [f.case_in_state(state) for state in STATES]
    request = rf.get("/")
    request.user = stories[0].agent
    with translation.override(language):
        for story in stories:
            serializer = DisputeSerializer(story.case, context={"request": request})
            expected = serializers.Serializer.to_representation(serializer, story.case)
            assert serializer.to_representation(story.case) == expected
            assert list(serializer.data) == list(expected)
