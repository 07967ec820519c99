"""The appeal review target now counts working hours (it ran on calendar
time): recount the deadline of every case under appeal, so the queue's
"next deadline" and Overdue agree with the rule for cases already there.

It reads the working calendar and the category policy through today's code
(`core.workcalendar`, `disputes.policy`); if that ever fails on a very old
database, drop this step: each case gets the new deadline at its next action.
"""

from django.db import migrations


def recount(apps, schema_editor):
    from core.workcalendar import add_working_hours
    from disputes.policy import policy_for

    Dispute = apps.get_model("disputes", "Dispute")
    db = schema_editor.connection.alias
    cases = (
        Dispute.objects.using(db)
        .filter(state="appeal", deadline_kind="appeal_review")
        .select_related("store__category", "appeal_record")
    )
    changed = []
    for case in cases.iterator(chunk_size=2000):
        hours = policy_for(case.store.category).ruling_sla_hours
        due = add_working_hours(case.appeal_record.filed_at, hours)
        if due != case.deadline_at:
            case.deadline_at = due
            changed.append(case)
        if len(changed) >= 2000:
            Dispute.objects.using(db).bulk_update(changed, ["deadline_at"])
            changed = []
    Dispute.objects.using(db).bulk_update(changed, ["deadline_at"])


class Migration(migrations.Migration):
    dependencies = [("disputes", "0016_appeal_buyer_compensation")]

    operations = [
        migrations.RunPython(recount, migrations.RunPython.noop, elidable=True)
    ]
