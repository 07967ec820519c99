import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files of each test go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL row locks; SQLite serialises writers (set DATABASE_URL)",
)
