"""Policy versions; the category overrides become version 1's category level.

Every category's own deadline fields (set before policies were versioned) are
copied into version 1, in force since 2000-01-01; every existing case records
version 1, so no open case changes terms. The fields stay on the category as
the historical record (read-only in the workbench).
"""

from datetime import UTC, datetime

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

OVERRIDABLE = (
    "after_sales_days",
    "merchant_response_hours",
    "evidence_hours",
    "appeal_days",
    "pickup_sla_hours",
    "ruling_sla_hours",
    "silent_merchant_action",
)


def first_version(apps, schema_editor):
    Category = apps.get_model("stores", "Category")
    PolicyVersion = apps.get_model("disputes", "PolicyVersion")
    Dispute = apps.get_model("disputes", "Dispute")
    entries = []
    for category in Category.objects.order_by("code"):
        values = {
            name: getattr(category, name)
            for name in OVERRIDABLE
            if getattr(category, name) not in (None, "")
        }
        if values:
            entries.append({"category": category.code, "region": "", "values": values})
    start = datetime(2000, 1, 1, tzinfo=UTC)
    version = PolicyVersion.objects.create(
        version=1,
        effective_from=start,
        published_at=start,
        changes="Category overrides before policies were versioned.",
        entries=entries,
    )
    Dispute.objects.filter(policy_version__isnull=True).update(policy_version=version)


def no_op(apps, schema_editor):
    """Backwards: the columns go; nothing else to undo."""


class Migration(migrations.Migration):

    dependencies = [
        ('disputes', '0018_goods_returning'),
        ('stores', '0002_category_silent_merchant_action'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='evidence',
            name='kind',
            field=models.CharField(blank=True, max_length=16, verbose_name='kind'),
        ),
        migrations.CreateModel(
            name='PolicyVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(unique=True, verbose_name='version')),
                ('effective_from', models.DateTimeField(verbose_name='effective from')),
                ('published_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='published at')),
                ('changes', models.TextField(blank=True, verbose_name='what changed')),
                ('entries', models.JSONField(default=list, verbose_name='values by scope')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'policy version',
                'verbose_name_plural': 'policy versions',
                'ordering': ['-version'],
            },
        ),
        migrations.AddField(
            model_name='dispute',
            name='policy_version',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='disputes.policyversion', verbose_name='policy version'),
        ),
        migrations.RunPython(first_version, no_op),
    ]
