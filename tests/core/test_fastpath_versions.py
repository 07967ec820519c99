"""The fast paths (pieces of Django or DRF written again for speed) hold only
for the framework versions they were written against.

Each fast path is one module named `fastpath_*` whose header says what it
re-implements, what it gains and what to check on an upgrade. This fails on
a Django, DRF, orjson or django-fsm-2 minor upgrade, naming the checks to
make before its `WRITTEN_FOR` is raised, and when a fast path appears that
is not listed.
"""

from __future__ import annotations

import importlib
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Each fast path → the test that compares it with the framework's own output.
FASTPATHS = {
    "workbench.admin.fastpath_rows": "tests/admin/test_rows.py",
    "disputes.api.fastpath_read": "tests/api/test_lean_read.py",
    "core.fastpath_json": "tests/api/test_renderer.py",
    "core.fastpath_fsm": "tests/core/test_fsm.py",
}


def installed(package: str, parts: int) -> tuple[int, ...]:
    return tuple(int(n) for n in version(package).split(".")[:parts])


@pytest.mark.parametrize(("name", "proof"), FASTPATHS.items())
def test_the_framework_is_the_version_the_fast_path_was_written_for(name, proof):
    module = importlib.import_module(name)
    assert module.__doc__.startswith("FAST PATH:"), f"{name}: no FAST PATH header"
    assert (ROOT / proof).exists()
    for package, written_for in module.WRITTEN_FOR.items():
        now = installed(package, len(written_for))
        assert now == written_for, (
            f"{name} re-implements part of {package} "
            f"{'.'.join(map(str, written_for))}, but {'.'.join(map(str, now))} is "
            f"installed. Make the checks its header lists under 'On a ... "
            f"upgrade check', run {proof}, re-measure with bench/fastpaths.py, "
            f"then raise WRITTEN_FOR in {name.replace('.', '/')}.py."
        )


def test_every_fast_path_is_listed_here():
    found = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in ROOT.glob("*/**/fastpath_*.py")
        if ".venv" not in path.parts and "tests" not in path.parts
    }
    assert found == set(FASTPATHS)
