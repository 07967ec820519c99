"""Platform rules (new versions only), canned replies and read-only records."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import FastListMixin, ReadOnlyAdmin, StaffOnlyMixin
from disputes import services
from disputes.models import (
    Appeal,
    CannedReply,
    Macro,
    PlatformRule,
    ReasoningTemplate,
    Ruling,
)
from disputes.services.macros import macro_steps


@admin.register(PlatformRule)
class PlatformRuleAdmin(StaffOnlyMixin, admin.ModelAdmin):
    """Editing a rule publishes a new version; old versions stay readable."""

    list_display = ["code", "version", "title", "effective_from", "in_force"]
    list_filter = ["code"]
    search_fields = ["code", "title"]
    fields = ["code", "title", "text", "effective_from"]
    change_form_template = "admin/disputes/platformrule/change_form.html"
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request):
        newer = PlatformRule.objects.filter(
            code=OuterRef("code"),
            version__gt=OuterRef("version"),
            effective_from__lte=timezone.now(),
        )
        return super().get_queryset(request).annotate(superseded=Exists(newer))

    @admin.display(description=_("in force"), boolean=True)
    def in_force(self, rule):
        return not rule.superseded and rule.effective_from <= timezone.now()

    def has_change_permission(self, request, obj=None):
        return False  # a published version is never rewritten

    def get_readonly_fields(self, request, obj=None):
        return (
            ["code", "version", "title", "text", "effective_from", "published_by"]
            if obj
            else []
        )

    @admin.display(description=_("published by"))
    def published_by(self, rule):
        return str(rule.created_by) if rule.created_by_id else "—"

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) if obj else self.fields

    def save_model(self, request, obj, form, change):
        published = services.rule_publish(
            actor=request.user,
            code=obj.code,
            title=obj.title,
            text=obj.text,
            effective_from=obj.effective_from,
        )
        obj.pk, obj.version, obj.created_at = (
            published.pk,
            published.version,
            published.created_at,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        rule = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if rule is not None and self.has_add_permission(request):
            query = urlencode(
                {"code": rule.code, "title": rule.title, "text": rule.text}
            )
            extra_context["new_version_url"] = (
                reverse("admin:disputes_platformrule_add") + "?" + query
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(CannedReply)
class CannedReplyAdmin(StaffOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "reason", "active", "preview"]
    list_filter = ["active", "reason"]
    search_fields = ["title", "body"]
    fields = ["reason", "title", "body", "active"]
    show_facets = admin.ShowFacets.NEVER

    @admin.display(description=_("body"))
    def preview(self, reply):
        return format_html("<span class='wb-quiet'>{}</span>", reply.body[:80])


# The ruling and appeal lists count at most COUNT_CAP + 1 rows (FastListMixin,
# like the refund list): their full COUNT(*) made them the slowest workbench
# lists at a million cases (148 and 102 ms, issue 25).
@admin.register(Ruling)
class RulingAdmin(FastListMixin, ReadOnlyAdmin):
    list_display = [
        "dispute",
        "outcome",
        "liability",
        "amount",
        "rule",
        "decided_by",
        "decided_at",
    ]
    list_select_related = ["dispute", "rule", "decided_by"]
    list_filter = ["outcome", "liability"]


@admin.register(Appeal)
class AppealAdmin(FastListMixin, ReadOnlyAdmin):
    list_display = [
        "dispute",
        "party",
        "decision",
        "filed_at",
        "decided_by",
        "decided_at",
    ]
    list_select_related = ["dispute", "decided_by"]
    list_filter = ["decision", "party"]


@admin.register(Macro)
class MacroAdmin(StaffOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "steps", "active", "created_by"]
    list_filter = ["active"]
    search_fields = ["name", "message", "evidence_what"]
    fieldsets = [
        (None, {"fields": ["name", "active"]}),
        (_("1. Message"), {"fields": ["message", "message_internal"]}),
        (
            _("2. Evidence request"),
            {"fields": ["evidence_party", "evidence_what", "evidence_hours"]},
        ),
        (_("3. Mediation"), {"fields": ["start_mediation"]}),
    ]
    show_facets = admin.ShowFacets.NEVER

    @admin.display(description=_("steps"))
    def steps(self, macro):
        return " → ".join(str(label) for label, _run in macro_steps(macro=macro))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ReasoningTemplate)
class ReasoningTemplateAdmin(StaffOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "rule", "active"]
    list_filter = ["active", "rule__code"]
    list_select_related = ["rule"]
    search_fields = ["title", "text", "rule__code"]
    fields = ["rule", "title", "text", "active"]
    show_facets = admin.ShowFacets.NEVER

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "rule":
            kwargs["queryset"] = PlatformRule.objects.in_force().order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
