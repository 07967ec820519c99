from django.db import migrations, models


class Migration(migrations.Migration):
    """A merchant's closed tab and its badge at a million cases (issue 25);
    the precedents' fallback pool reads `dispute_decided_recent` (0025)."""

    dependencies = [
        ("disputes", "0025_precperf_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dispute",
            index=models.Index(
                fields=["store", "state", "-opened_at", "-id"],
                name="dispute_store_state_opened",
            ),
        ),
    ]
