"""Policy versions: supervisors publish a new version (at least 7 days ahead);
published versions are read-only, each with what it changed."""

from __future__ import annotations

import json
from datetime import timedelta

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin import StaffOnlyMixin
from disputes import services
from disputes.models import PolicyVersion
from disputes.models.policy import NOTICE, check_entries
from disputes.policy import version_changes
from disputes.services.policies import notice_refusal
from stores.models import Category


class PolicyVersionForm(forms.ModelForm):
    entries = forms.JSONField(
        label=_("values by scope"),
        widget=forms.Textarea(attrs={"rows": 18, "cols": 90}),
        help_text=_(
            'A list of scopes: {"category": code or "", "region": province or "", '
            '"values": {name: value}}. Starts as the latest version\'s.'
        ),
    )

    class Meta:
        model = PolicyVersion
        fields = ["effective_from", "changes", "entries"]

    def clean_effective_from(self):
        value = self.cleaned_data.get("effective_from")
        refusal = notice_refusal(value, timezone.now())
        if refusal:
            raise forms.ValidationError(refusal)
        return value

    def clean_entries(self):
        value = self.cleaned_data.get("entries")
        problems = check_entries(value)
        if problems:
            raise forms.ValidationError(problems)
        return value


@admin.register(PolicyVersion)
class PolicyVersionAdmin(StaffOnlyMixin, admin.ModelAdmin):
    """Publishing creates a new version; earlier versions stay as they were."""

    form = PolicyVersionForm
    list_display = ["version", "effective_from", "published_at", "status", "changes"]
    show_facets = admin.ShowFacets.NEVER

    @admin.display(description=_("status"))
    def status(self, version):
        now = timezone.now()
        if version.effective_from > now:
            return _("upcoming")
        newest = PolicyVersion.objects.in_force(now)
        return _("in force") if newest and newest.pk == version.pk else _("replaced")

    def has_change_permission(self, request, obj=None):
        return False  # a published version is never rewritten

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "version",
            "effective_from",
            "published_at",
            "changes",
            "what_changed",
            "values",
        ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["effective_from", "changes", "entries"]
        return self.get_readonly_fields(request, obj)

    def get_changeform_initial_data(self, request):
        latest = PolicyVersion.objects.order_by("-version").first()
        start = timezone.localtime() + NOTICE + timedelta(hours=1)
        return {
            "effective_from": start.replace(minute=0, second=0, microsecond=0),
            "entries": latest.entries if latest else [],
        }

    @admin.display(description=_("what changed"))
    def what_changed(self, version):
        previous = (
            PolicyVersion.objects.filter(version__lt=version.version)
            .order_by("-version")
            .first()
        )
        names = dict(Category.objects.values_list("code", "name"))
        rows = version_changes(version, previous, names)
        if not rows:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {} {} → {}</li>",
                ((r["scope"], r["label"], r["before"], r["after"]) for r in rows),
            ),
        )

    @admin.display(description=_("values by scope"))
    def values(self, version):
        return format_html(
            "<pre>{}</pre>", json.dumps(version.entries, ensure_ascii=False, indent=2)
        )

    def save_model(self, request, obj, form, change):
        published = services.policy_publish(
            actor=request.user,
            entries=form.cleaned_data["entries"],
            effective_from=form.cleaned_data["effective_from"],
            changes=form.cleaned_data.get("changes") or "",
        )
        obj.pk, obj.version = published.pk, published.version
