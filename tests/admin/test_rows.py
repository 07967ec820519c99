"""The case queue's rows written in one piece read exactly like Django's."""

from __future__ import annotations

import re
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from tests import factories as f
from workbench.admin import fastpath_rows as rows

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return CSRF.sub("", response.content.decode())


@pytest.mark.parametrize(
    "url",
    [
        "/admin/disputes/dispute/",
        "/admin/disputes/dispute/?state=open&assigned=me",
        "/admin/disputes/dispute/?o=-11&reason=quality",
        "/admin/disputes/dispute/?q=buyer",
    ],
)
@pytest.mark.parametrize("maker", [f.agent, f.supervisor, f.manager])
def test_rows_match_djangos(login, maker, url):
    user = maker()
    for state in ("complaint", "verification", "ruled", "closed"):
        f.case_in_state(state)
    client = login(user)
    with time_machine.travel(timezone.now(), tick=False):
        fast = page(client, url)
        with mock.patch.object(rows, "_cells", lambda cl: None):
            django = page(client, url)
    assert fast == django
    if "?" not in url:
        assert fast.count('class="field-case_number"') == 4


def test_rows_are_one_string_each(login):
    f.case_in_state("complaint")
    response = login(f.agent()).get("/admin/disputes/dispute/")
    [row] = response.context["results"]
    assert len(row) == 1 and 'class="field-case_number"' in row[0]
