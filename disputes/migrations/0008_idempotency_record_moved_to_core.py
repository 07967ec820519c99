"""IdempotencyRecord now belongs to `core` (state only: the table is kept)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0007_agents_tools"),
        ("core", "0001_idempotency_record_from_disputes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyRecord")],
            database_operations=[],
        ),
    ]
