"""CSV exports never hand a spreadsheet a formula: a cell that would start
with = + - @ (or a tab or carriage return before one) is quoted as text."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client

from accounts.models import User
from reports.selectors import GROUP_BY
from stores.models import Category, Store
from tests import factories as f

pytestmark = pytest.mark.django_db
FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def cells_of(response) -> list[str]:
    text = (
        b"".join(response.streaming_content).decode()
        if response.streaming
        else (response.content.decode())
    )
    return [
        cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row
    ]


@pytest.mark.parametrize("payload", FORMULAS)
def test_report_csv_cells_never_start_a_formula(payload):
    story = f.case_in_state("ruled")
    Store.objects.update(name=payload)
    Category.objects.update(name=payload)
    User.objects.filter(pk=story.agent.pk).update(display_name=payload)
    client = Client()
    client.force_login(f.manager())
    exported = 0
    for group_by in GROUP_BY:
        page = (
            "/reports/"
            if group_by in ("day", "week", "month")
            else ("/reports/breakdown/")
        )
        response = client.get(f"{page}?format=csv&group_by={group_by}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        for cell in cells_of(response):
            if NUMBER.fullmatch(cell):
                continue
            assert not cell.startswith(DANGEROUS_START), (group_by, cell)
            exported += payload.strip() in cell
    assert exported, "the payload never reached the CSV: the test would prove nothing"
