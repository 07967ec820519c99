"""A new measure: refused returns the platform then decided for the buyer
(the store health figure "refused returns overturned", which read 0).

The column starts at 0 everywhere; the rollups of an existing database are
then rebuilt so it holds for every case already there (the same command as
`manage.py rebuild_report_rollups`; a database without cases skips it). If
this step ever fails on a very old database (the rebuild uses today's code),
remove it and run `manage.py rebuild_report_rollups` after migrating.
"""

from django.db import migrations, models


def rebuild_rollups(apps, schema_editor):
    Dispute = apps.get_model("disputes", "Dispute")
    if not Dispute.objects.using(schema_editor.connection.alias).exists():
        return
    from reports.rollups import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_health_scores_contests"),
        ("disputes", "0024_healthgov_priority_queue"),
    ]

    operations = [
        migrations.AddField(
            model_name="rollup",
            name="refuse_return_overturned",
            field=models.IntegerField(db_default=0, default=0),
        ),
        migrations.RunPython(
            rebuild_rollups, migrations.RunPython.noop, elidable=True
        ),
    ]
