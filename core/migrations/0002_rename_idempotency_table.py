"""Give the adopted table and its index core's names (data kept)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_idempotency_record_from_disputes"),
        ("disputes", "0009_idempotency_record_moved_to_core"),
    ]

    operations = [
        migrations.AlterModelTable(name="idempotencyrecord", table=None),
        migrations.RenameIndex(
            model_name="idempotencyrecord",
            new_name="core_idempo_created_c8a89f_idx",
            old_name="disputes_id_created_50c3a1_idx",
        ),
    ]
