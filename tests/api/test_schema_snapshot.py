"""The API contract does not drift by accident: the schema equals the snapshot.

A deliberate change of the API regenerates it:

    python manage.py spectacular --file tests/api/openapi.yaml
"""

from pathlib import Path

from django.core.management import call_command
from django.utils import translation

SNAPSHOT = Path(__file__).with_name("openapi.yaml")


def test_schema_equals_the_committed_snapshot(tmp_path):
    generated = tmp_path / "openapi.yaml"
    with translation.override("zh-hans"):  # the default language of the site
        call_command("spectacular", "--file", str(generated))
    assert generated.read_text(encoding="utf-8") == SNAPSHOT.read_text(
        encoding="utf-8"
    ), "the API schema changed: regenerate tests/api/openapi.yaml if meant"
