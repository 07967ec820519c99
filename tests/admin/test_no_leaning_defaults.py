"""No decision field in any workbench action form starts with a value: a
preselected outcome, liability, party, amount or rule would lean the decision."""

from __future__ import annotations

import re

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db

# (state the case is in, action whose form is shown)
FORMS = [
    ("complaint", "take"),
    ("verification", "request_evidence"),
    ("verification", "start_mediation"),
    ("mediation", "propose"),
    ("mediation", "rule"),
    ("verification", "assign"),
    ("appeal", "uphold"),
    ("appeal", "overturn"),
]
SELECTED = re.compile(r'<option value="([^"]+)"[^>]*\bselected\b')
CHECKED = re.compile(r"<input[^>]*\bchecked\b[^>]*>")
SELECT = re.compile(r"<select[^>]*>\s*<option value=\"([^\"]*)\"", re.S)
PREFILLED = re.compile(
    r'<(?:input|textarea)[^>]*name="(amount|reasoning|note|due_at)"[^>]*value="([^"]+)"'
)


@pytest.mark.parametrize(("state", "action"), FORMS)
def test_no_decision_field_is_preselected(login, state, action):
    story = f.case_in_state(state)
    user = (
        story.supervisor
        if action in ("assign", "uphold", "overturn")
        else (story.agent)
    )
    response = login(user).get(f"/admin/disputes/dispute/{story.case.pk}/act/{action}/")
    assert response.status_code == 200
    form = (
        response.content.decode().split('<form method="post"', 1)[1].split("</form>")[0]
    )
    # A select without a blank first option shows its first choice as chosen.
    assert all(first == "" for first in SELECT.findall(form))
    assert SELECTED.findall(form) == []
    assert CHECKED.findall(form) == []
    assert PREFILLED.findall(form) == []
