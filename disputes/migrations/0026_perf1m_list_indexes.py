from django.db import migrations, models


class Migration(migrations.Migration):
    """A merchant's closed tab and its badge, and the precedents of a reason
    with few decided cases, at a million cases (issue 25)."""

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
        migrations.AddIndex(
            model_name="dispute",
            index=models.Index(
                condition=models.Q(ruled_at__isnull=False),
                fields=["-ruled_at"],
                name="dispute_decided",
            ),
        ),
    ]
