"""Two flags on the case: the claim names items, a parcel was sent.

A case page and the API detail read the claimed items and the parcels only
when the flag says a row can exist (issue 25: two queries fewer for the many
cases with neither). The existing cases are filled from the two tables.
"""

from django.db import migrations, models


def fill(apps, schema_editor):
    Dispute = apps.get_model("disputes", "Dispute")
    ClaimedItem = apps.get_model("disputes", "ClaimedItem")
    Shipment = apps.get_model("disputes", "Shipment")
    Dispute.objects.filter(
        pk__in=ClaimedItem.objects.values("dispute_id")
    ).update(names_items=True)
    Dispute.objects.filter(pk__in=Shipment.objects.values("dispute_id")).update(
        has_parcels=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0030_open_deadline_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="dispute",
            name="has_parcels",
            field=models.BooleanField(default=False, verbose_name="parcels sent"),
        ),
        migrations.AddField(
            model_name="dispute",
            name="names_items",
            field=models.BooleanField(default=False, verbose_name="names items"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
