"""`disputes.rules_pure` is pure: it reads no settings, no clock, no language.

The services and the bulk seeder pass in what the rules need (the time zone,
the working calendar, the time, any words), so both compute the same facts.
"""

import ast
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from disputes import rules_pure

# What a pure rule may not reach for: settings, translation, the clock.
IMPURE = {
    "django.conf": "reads settings",
    "django.utils.translation": "translates",
    "django.utils.timezone": "reads the clock and the time zone setting",
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_rules_pure_imports_nothing_impure():
    imported = imported_modules(Path(rules_pure.__file__))
    found = {name: why for name, why in IMPURE.items() if name in imported}
    assert not found, f"disputes/rules_pure.py {found}: pass the value in instead"


@pytest.mark.parametrize(
    ("tz", "number"),
    [
        (UTC, "D26113012345678"),
        (ZoneInfo("Asia/Shanghai"), "D26120112345678"),  # 08:00 on 1 December
    ],
)
def test_the_case_number_dates_the_case_in_the_zone_given(tz, number):
    opened = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert rules_pure.case_number(opened, 12345678, tz=tz) == number
