"""The deadline tables of the docs state the defaults the settings hold
(`DISPUTE_POLICY`, the one source): change a default, and this names the
rows to update."""

from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

# document, the row's first cell, the setting, how the default cell begins
ROWS = [
    ("service-levels.md", "merchant response", "merchant_response_hours", "{} h"),
    ("service-levels.md", "evidence (case)", "evidence_hours", "{} h"),
    ("service-levels.md", "evidence request", "evidence_hours", "{} h"),
    ("service-levels.md", "appeal window", "appeal_days", "{} days"),
    ("service-levels.md", "pick-up", "pickup_sla_hours", "{} working hours"),
    ("service-levels.md", "ruling", "ruling_sla_hours", "{} working hours"),
    ("service-levels.md", "appeal review (supervisor)", "ruling_sla_hours", "{} "),
    ("overview.md", "merchant's first response", "merchant_response_hours", "{} h"),
    ("overview.md", "evidence (at pick-up, and per request)", "evidence_hours", "{} h"),
    ("overview.md", "appeal window", "appeal_days", "{} days"),
    ("overview.md", "agent picks up a complaint", "pickup_sla_hours", "{} hours"),
    ("overview.md", "agent rules after pick-up", "ruling_sla_hours", "{} hours"),
    ("overview.md", "supervisor decides an appeal", "ruling_sla_hours", "{} hours"),
]


def default_cell(document: str, first: str) -> str:
    for line in (ROOT / "docs" / document).read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == first:
            return cells[1]
    raise AssertionError(f"docs/{document} has no row “{first}”")


@pytest.mark.parametrize(("document", "first", "setting", "shown"), ROWS)
def test_the_docs_state_the_default_of_the_settings(document, first, setting, shown):
    expected = shown.format(settings.DISPUTE_POLICY[setting])
    cell = default_cell(document, first)
    assert cell.startswith(expected), (
        f"docs/{document}, row “{first}”: “{cell}”, but DISPUTE_POLICY"
        f"[{setting!r}] is {settings.DISPUTE_POLICY[setting]}"
    )
