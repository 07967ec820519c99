from django.db import migrations, models


class Migration(migrations.Migration):
    """A merchant's closed tab and its badge at a million cases (issue 25)."""

    dependencies = [
        ("disputes", "0022_policy_auto_refund_label"),
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
