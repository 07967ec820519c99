"""IdempotencyRecord now belongs to `core` (state only: the table is kept)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0008_sla_targets_and_closed_requests"),
        ("core", "0001_idempotency_record_from_disputes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyRecord")],
            database_operations=[],
        ),
    ]
