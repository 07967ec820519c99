"""The API contract does not drift by accident: the schema equals the snapshot.

A deliberate change of the API regenerates it:

    python manage.py spectacular --file tests/api/openapi.yaml

The schema is generated as that command runs it, in a fresh process with the
site's settings (inside the test process, serializers already built in
another language would leak their words into it).
"""

import difflib
import os
import subprocess
import sys
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("openapi.yaml")
ROOT = Path(__file__).resolve().parents[2]


def test_schema_equals_the_committed_snapshot(tmp_path):
    generated = tmp_path / "openapi.yaml"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--file", str(generated)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    expected = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    actual = generated.read_text(encoding="utf-8").splitlines()
    diff = list(difflib.unified_diff(expected, actual, "snapshot", "now", lineterm=""))
    assert diff == [], (
        "the API schema changed (regenerate the snapshot if meant):\n"
        + ("\n".join(diff[:60]))
    )
