"""The parties' case page and the workbench's case page count deadlines down
with the one shared script (static/core/countdown.js) and its wording."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests import factories as f

pytestmark = pytest.mark.django_db


def _page(client, user, path: str) -> str:
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("viewer", ["buyer", "agent"])
def test_case_pages_load_the_shared_countdown_and_its_wording(client, viewer):
    story = f.case_in_state("verification")
    path = (
        story.case.get_absolute_url()
        if viewer == "buyer"
        else f"/admin/disputes/dispute/{story.case.pk}/change/"
    )
    body = _page(client, getattr(story, viewer), path)
    assert body.count("/static/core/countdown.js") == 1
    assert '<script id="countdown-formats" type="application/json">' in body
    assert "data-countdown=" in body


def test_no_other_script_counts_down():
    scripts = Path(settings.BASE_DIR, "static").rglob("*.js")
    counting = {p.relative_to(settings.BASE_DIR).as_posix() for p in scripts
                if "[data-countdown]" in p.read_text()}  # fmt: skip
    assert counting == {"static/core/countdown.js"}
