"""Stores in the workbench: the review queue and review actions with a reason."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy

from core.admin import FastListMixin, StaffOnlyMixin, badge
from core.errors import ApplicationError
from core.roles import is_platform_staff
from reports.selectors import store_figures_by_window
from stores.forms import StoreReviewForm
from stores.models import Category, Store, StoreReviewLog
from stores.services import (
    RETURN_ADDRESS_FIELDS,
    REVIEW_DONE,
    REVIEW_LABELS,
    return_address_errors,
    store_return_address_set,
    store_review,
    store_review_actions,
)


class StoreAdminForm(forms.ModelForm):
    """The store form with the service's return-address rules as field errors."""

    class Meta:
        model = Store
        fields = list(RETURN_ADDRESS_FIELDS)

    def clean(self):
        data = super().clean() or {}
        if set(RETURN_ADDRESS_FIELDS) & set(self.changed_data):
            for name, found in return_address_errors(
                {n: data.get(n) or "" for n in RETURN_ADDRESS_FIELDS}
            ).items():
                for error in found:
                    self.add_error(name, error)
        return data


class ReviewLogInline(admin.TabularInline):
    model = StoreReviewLog
    fields = readonly_fields = (
        "created_at",
        "reviewer",
        "review_action",
        "status_before",
        "status_after",
        "reason",
    )
    extra = 0
    can_delete = False
    ordering = ["-created_at", "-id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=gettext_lazy("reviewed by"))
    def reviewer(self, entry):
        return str(entry.actor)

    @admin.display(description=gettext_lazy("action"))
    def review_action(self, entry):
        return str(REVIEW_LABELS.get(entry.action, entry.action))

    @admin.display(description=gettext_lazy("from"))
    def status_before(self, entry):
        return _status_label(entry.from_status)

    @admin.display(description=gettext_lazy("to"))
    def status_after(self, entry):
        return _status_label(entry.to_status)


def _status_label(code: str) -> str:
    return str(dict(Store._meta.get_field("status").flatchoices).get(code, code))


@admin.register(Store)
class StoreAdmin(StaffOnlyMixin, FastListMixin, admin.ModelAdmin):
    list_display = ["name", "status_badge", "category", "region", "owner", "created_at"]
    list_filter = ["status", "category", "region"]
    list_select_related = ["category", "owner"]
    search_fields = ["name"]
    autocomplete_fields = ["owner"]
    main_fields: list[str | list[str] | tuple[str, ...] | tuple[()]] = [
        "name",
        "owner",
        "category",
        "region",
        "status_badge",
        "status_reason",
        "status_changed_at",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": main_fields}),
        (
            gettext_lazy("Return address"),
            {"fields": RETURN_ADDRESS_FIELDS, "classes": ["return-address"]},
        ),
    ]
    readonly_fields = [
        "status_badge",
        "status_reason",
        "status_changed_at",
        "created_at",
    ]
    inlines = [ReviewLogInline]
    form = StoreAdminForm
    change_form_template = "admin/stores/store/change_form.html"
    history_anchor = "review_log-group"  # the review log on the store's own page

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, store):
        return badge(store.status, store.get_status_display(), prefix="store")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["name", "owner", "category", "region", *self.readonly_fields]
        return self.readonly_fields

    def has_add_permission(self, request):
        return False  # stores register on the shop platform

    def save_model(self, request, obj, form, change):
        """The return address goes through its service (checked, one transaction)."""
        changed = set(form.changed_data) & set(RETURN_ADDRESS_FIELDS)
        if change and changed:
            store_return_address_set(
                store=obj,
                actor=request.user,
                **{
                    name: form.cleaned_data.get(name, "")
                    for name in RETURN_ADDRESS_FIELDS
                },
            )
            return
        super().save_model(request, obj, form, change)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/review/<str:action>/",
                wrap(
                    lambda r, object_id, action: self.review_view(r, object_id, action)
                ),
                name="stores_store_review",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        store = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if store is not None:
            extra["figures"] = store_figures_by_window(store_id=store.pk)
            if self.has_change_permission(request, store) and is_platform_staff(
                request.user
            ):
                extra["review_actions"] = [
                    (
                        name,
                        label,
                        reverse("admin:stores_store_review", args=[store.pk, name]),
                    )
                    for name, label in REVIEW_LABELS.items()
                    if name in store_review_actions(store)
                ]
        return super().change_view(request, object_id, form_url, extra)

    def review_view(self, request, object_id, action):
        store = self.get_object(request, object_id)
        if store is None or action not in REVIEW_LABELS:
            raise Http404
        if not (
            self.has_change_permission(request, store)
            and is_platform_staff(request.user)
        ):
            raise PermissionDenied
        url = reverse("admin:stores_store_change", args=[store.pk])
        form = StoreReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                store_review(
                    store=store,
                    actor=request.user,
                    action=action,
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, REVIEW_DONE[action] % {"store": store.name})
                return redirect(url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": store,
            "form": form,
            "title": f"{REVIEW_LABELS[action]} · {store.name}",
            "action_label": REVIEW_LABELS[action],
            "back_url": url,
        }
        return TemplateResponse(request, "admin/stores/store/review_form.html", context)


@admin.register(Category)
class CategoryAdmin(StaffOnlyMixin, admin.ModelAdmin):
    """A business line. Its deadlines are policy values (policy versions); the
    old override fields were copied into policy version 1 and stay read-only."""

    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    readonly_fields = [
        "after_sales_days",
        "merchant_response_hours",
        "evidence_hours",
        "appeal_days",
        "pickup_sla_hours",
        "ruling_sla_hours",
        "silent_merchant_action",
    ]
