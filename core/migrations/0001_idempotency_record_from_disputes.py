"""Adopt the `disputes_idempotencyrecord` table into `core` (state only).

The table itself was created by `disputes.0003_idempotency`; the next migration
renames it, so the stored responses are kept.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("disputes", "0003_idempotency"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyRecord",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=255, verbose_name="key")),
                        ("method", models.CharField(max_length=8)),
                        ("path", models.CharField(max_length=255)),
                        ("fingerprint", models.CharField(max_length=64)),
                        ("status_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("response_body", models.JSONField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="at")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "idempotency record",
                        "verbose_name_plural": "idempotency records",
                        "db_table": "disputes_idempotencyrecord",
                        "indexes": [models.Index(fields=["created_at"], name="disputes_id_created_50c3a1_idx")],
                        "constraints": [models.UniqueConstraint(fields=("user", "key"), name="idempotency_key_per_user")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
