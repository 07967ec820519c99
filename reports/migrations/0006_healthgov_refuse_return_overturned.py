"""A new measure: refused returns the platform then decided for the buyer
(the store health figure "refused returns overturned", which read 0).

The column starts at 0 everywhere. Only a case whose merchant refused a
return can count (`Dispute.return_refused_at`, filled by disputes 0028), so
only those cases are refreshed (`reports.rollups.case_refresh`: the case's
stored contribution lacks the new measure, so the refresh adds it), not the
whole rollup (a full rebuild took 20 minutes at a million cases). If this
step ever fails on a very old database (it uses today's code), remove it and
run `manage.py rebuild_report_rollups` after migrating.
"""

from django.db import migrations, models


def refresh_refused_returns(apps, schema_editor):
    Dispute = apps.get_model("disputes", "Dispute")
    refused = (
        Dispute.objects.using(schema_editor.connection.alias)
        .filter(return_refused_at__isnull=False)
        .values_list("pk", flat=True)
    )
    from reports.rollups import case_refresh

    for dispute_id in list(refused):
        case_refresh(dispute_id=dispute_id)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_health_scores_contests"),
        ("disputes", "0028_healthgov_priority_queue"),
    ]

    operations = [
        migrations.AddField(
            model_name="rollup",
            name="refuse_return_overturned",
            field=models.IntegerField(db_default=0, default=0),
        ),
        migrations.RunPython(
            refresh_refused_returns, migrations.RunPython.noop, elidable=True
        ),
    ]
