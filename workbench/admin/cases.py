"""The case queue and the case page of the agents' workbench."""

from __future__ import annotations

from functools import lru_cache

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core import countdown
from core.admin import FastListMixin, StaffOnlyMixin, badge
from core.errors import ApplicationError
from core.roles import is_platform_staff, is_supervisor
from disputes import selectors, services
from disputes.actions import (
    ACTION_LABELS,
    EVENT_LABELS,
    EventKindName,
    refund_note_label,
)
from disputes.choices import GOODS_REMEDIES, DeadlineKind, State
from disputes.models import Dispute, Macro
from disputes.policy import case_policy, case_terms, ruling_compensation_text
from notifications.selectors import with_unseen_activity
from notifications.services import case_seen_record
from stores.governance import priority_reason
from stores.selectors import return_address
from workbench import queues as workbench

from . import intake, views
from .filters import (
    AssignedFilter,
    DueFilter,
    OpenedRangeFilter,
    PriorityQueueFilter,
    RegionFilter,
    StateFilter,
)
from .forms import ReplyForm, canned_replies, handlers


@lru_cache(maxsize=32)
def _choice_labels(name: str, language: str | None) -> dict:
    return {k: str(v) for k, v in Dispute._meta.get_field(name).flatchoices}


def _display(case: Dispute, name: str):
    """case.get_<name>_display(), from a per-language table built once."""
    value = getattr(case, name)
    return _choice_labels(name, get_language()).get(value, value)


def _one_to_one(case: Dispute, name: str):
    try:
        return getattr(case, name)
    except Dispute._meta.get_field(name).related_model.DoesNotExist:
        return None


# What the queue's rows read of the tables they join (the store's FSM field
# too: django-fsm reads it when the row is loaded).
ROW_JOINED_COLUMNS = (
    *("store__name", "store__status"),
    *("buyer__username", "buyer__display_name"),
    *("assigned_to__username", "assigned_to__display_name"),
)


class CaseChangeList(ChangeList):
    """The queue's page of rows joins and reads only what the columns show."""

    def get_results(self, request):
        own = [f.name for f in Dispute._meta.concrete_fields]
        self.queryset = (
            self.queryset.select_related(None)
            .select_related("store", "buyer", "assigned_to")
            .only(*own, *ROW_JOINED_COLUMNS)
        )
        super().get_results(request)


@admin.register(Dispute)
class DisputeAdmin(StaffOnlyMixin, FastListMixin, admin.ModelAdmin):
    list_display = [
        "case_number",
        "priority",
        "state_badge",
        "reason",
        "store",
        "buyer",
        "amounts",
        "assigned_to",
        "deadline",
        "target",
        "age",
    ]
    list_display_links = ["case_number"]
    # Only columns whose order an index provides can be clicked to sort.
    sortable_by = ["case_number", "deadline", "target", "age"]
    # Every filter lists its choices from a small table or a constant: none
    # scans the cases (RelatedOnlyFieldListFilter on the category did, 60 ms at 1M).
    list_filter = [
        StateFilter,
        "reason",
        ("store__category", admin.RelatedFieldListFilter),
        RegionFilter,
        AssignedFilter,
        PriorityQueueFilter,
        DueFilter,
        OpenedRangeFilter,
    ]
    list_select_related = ["store", "buyer", "assigned_to"]
    search_fields = ["number"]  # the real routing is in get_search_results
    search_help_text = gettext_lazy(
        "A case number (D…), an order number (O…), a buyer's username or a store name."
    )
    ordering = [F("deadline_at").asc(nulls_last=True), "-id"]
    autocomplete_fields = ["order", "buyer", "store", "assigned_to"]
    fields = ["number"]
    readonly_fields = ["number"]
    actions = ["assign_to_me", "assign_to_agent"]
    change_form_template = "admin/disputes/dispute/change_form.html"
    list_title = gettext_lazy("Case queue")
    crumb = gettext_lazy("Cases")
    history_anchor = "timeline"  # a case's history is its own timeline

    # Reads.
    def get_queryset(self, request):
        cases = selectors.dispute_list(
            user=request.user, qs=super().get_queryset(request)
        )
        return workbench.with_priority_facts(
            with_unseen_activity(cases, user=request.user)
        )

    def get_changelist(self, request, **kwargs):
        return CaseChangeList

    def get_object(self, request, object_id, from_field=None):
        if not str(object_id).isdigit():
            return None
        return (
            self.get_queryset(request)
            .select_related(
                "store__owner",
                "ruled_by",
                "ruling__rule",
                "ruling__decided_by",
                "appeal_record__rule",
                "appeal_record__decided_by",
                "appeal_record__appellant",
            )
            .filter(pk=object_id)
            .first()
        )

    def get_search_results(self, request, queryset, search_term):
        return workbench.search_cases(queryset, search_term), False

    def get_list_filter(self, request):
        return self.list_filter

    # Nothing on the case page is edited in place: actions have their own forms.
    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_add_permission(self, request):
        return False

    # Columns.
    @admin.display(description=gettext_lazy("case"), ordering="number")
    def case_number(self, case):
        if not getattr(case, "has_unseen", False):
            return case.number
        return format_html(
            '{}<span class="wb-new" title="{}">{}</span>',
            case.number,
            _("New activity since you last looked"),
            _("New"),
        )

    @admin.display(description=gettext_lazy("priority"))
    def priority(self, case):
        level = workbench.priority(case)
        html = format_html(
            '<span class="wb-priority p{}" title="{}">{}</span>',
            level.level,
            "; ".join(level.reasons) or _("no reason to hurry"),
            level.label,
        )
        if case.priority_queue:
            html += format_html(
                ' <span class="wb-priority-queue" data-testid="priority-queue" '
                'title="{}">{}</span>',
                priority_reason(case.priority_tier),
                _("Priority queue"),
            )
        return html

    @admin.display(description=gettext_lazy("agent target"), ordering="sla_due_at")
    def target(self, case):
        """Time left on the agents' working-hours target (pick-up or ruling)."""
        if case.sla_due_at is None:
            return "—"
        text, tone = countdown.time_left(case.sla_due_at)
        if not tone and workbench.target_warned(case):
            tone = "warn"
        return format_html(
            '<span class="wb-left {}" data-countdown="{}">{}</span>',
            f"tone-{tone}" if tone else "",
            case.sla_due_at.isoformat(),
            text,
        )

    @admin.display(description=gettext_lazy("state"), ordering="state")
    def state_badge(self, case):
        return badge(case.state, _display(case, "state"))

    @admin.display(description=gettext_lazy("claimed / refunded"), ordering="amount")
    def amounts(self, case):
        return format_html(
            '<span class="wb-money">¥{}</span><br><span class="wb-quiet">¥{}</span>',
            f"{case.amount:,.2f}",
            f"{case.refunded_amount:,.2f}",
        )

    @admin.display(description=gettext_lazy("next deadline"), ordering="deadline_at")
    def deadline(self, case):
        if case.deadline_at is None:
            return "—"
        text, tone = countdown.time_left(case.deadline_at)
        if not tone and workbench.target_warned(case):
            tone = "warn"  # past 80 % of the agents' target (working hours)
        cell = format_html(
            '<span class="wb-deadline">{}</span><br><span class="wb-left {}">{}</span>',
            _display(case, "deadline_kind") or "",
            f"tone-{tone}" if tone else "",
            text,
        )
        if case.pickup_breached_at or case.ruling_breached_at:
            cell += format_html(
                '<br><span class="wb-left tone-danger">{}</span>',
                EVENT_LABELS[EventKindName.SLA_BREACH],
            )
        return cell

    @admin.display(description=gettext_lazy("age"), ordering="opened_at")
    def age(self, case):
        return countdown.age(case.opened_at)

    # Extra pages.
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "take-next/",
                wrap(lambda r: views.take_next(self, r)),
                name="disputes_dispute_take_next",
            ),
            path(
                "open-for-buyer/",
                wrap(lambda r: intake.open_for_buyer(self, r)),
                name="disputes_dispute_open_for_buyer",
            ),
            path(
                "<path:object_id>/act/<str:action>/",
                wrap(
                    lambda r, object_id, action: views.case_action(
                        self, r, object_id, action
                    )
                ),
                name="disputes_dispute_action",
            ),
            path(
                "<path:object_id>/macro/",
                wrap(lambda r, object_id: views.case_macro(self, r, object_id)),
                name="disputes_dispute_macro",
            ),
            path(
                "<path:object_id>/reply/",
                wrap(lambda r, object_id: views.case_reply(self, r, object_id)),
                name="disputes_dispute_reply",
            ),
            path(
                "evidence/<int:pk>/",
                wrap(lambda r, pk: views.evidence_download(self, r, pk)),
                name="disputes_evidence_download",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        """A case's history is its timeline, on the case page."""
        if self.get_object(request, object_id) is None:
            raise Http404
        change = reverse("admin:disputes_dispute_change", args=[object_id])
        return redirect(f"{change}#timeline")

    # The case page.
    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None:
            case_seen_record(user=request.user, case=obj)
            context.update(self.case_context(request, obj))
            context["title"] = _("Case %(number)s") % {"number": obj.number}
            context["subtitle"] = None
        return super().render_change_form(request, context, add, change, form_url, obj)

    def case_context(self, request, case: Dispute) -> dict:
        user = request.user
        order = case.order
        actions, refusals = [], []
        if super().has_change_permission(request):
            actions = services.available_actions(case, user)
            refusals = services.refusals_explained(case, user)
        can_work = views.can_work_on(user, case) and super().has_change_permission(
            request
        )
        return {
            "case": case,
            "ruling": (ruling := _one_to_one(case, "ruling")),
            "compensation_basis": ruling_compensation_text(case, ruling),
            "appeal": _one_to_one(case, "appeal_record"),
            "order_items": list(order.items.all()),
            "refunds": [
                (refund, refund_note_label(refund.note))
                for refund in order.refunds.all()
            ],
            "timeline": list(selectors.dispute_timeline(dispute=case, user=user)),
            "evidence_requests": list(case.evidence_requests.all()),
            "history": workbench.party_history(dispute=case),
            "deadlines": self.deadlines(case),
            "terms": case_terms(case),
            "terms_version": case_policy(case).version,
            "countdown_formats": countdown.countdown_formats(),
            "case_actions": [
                (
                    name,
                    ACTION_LABELS[name],
                    reverse("admin:disputes_dispute_action", args=[case.pk, name]),
                )
                for name in actions
                if name in ACTION_LABELS
            ],
            "refusals": refusals,
            "can_reply": can_work,
            "reply_form": ReplyForm(),
            "canned": canned_replies(case.reason) if can_work else [],
            "reply_url": reverse("admin:disputes_dispute_reply", args=[case.pk]),
            "macros": list(Macro.objects.filter(active=True)) if can_work else [],
            "macro_url": reverse("admin:disputes_dispute_macro", args=[case.pk]),
            "goods": goods_panel(case),
        }

    @staticmethod
    def deadlines(case: Dispute) -> list[dict]:
        """The deadlines running on the case, the one that governs first."""
        rows = []
        for deadline in selectors.dispute_deadlines(dispute=case):
            text, tone = countdown.time_left(deadline.at)
            label = DeadlineKind(deadline.kind).label
            rows.append({"label": label, "at": deadline.at, "left": text, "tone": tone})
        return rows

    # Bulk actions: each case goes through dispute_hand_over (take or assign).
    def has_assign_permission(self, request):
        return is_supervisor(request.user) and self.has_change_permission(request)

    def has_work_permission(self, request):
        return is_platform_staff(request.user) and self.has_change_permission(request)

    @admin.action(description=gettext_lazy("Assign to me"), permissions=["work"])
    def assign_to_me(self, request, queryset):
        self._assign_each(request, queryset, request.user)

    @admin.action(
        description=gettext_lazy("Assign to an agent…"), permissions=["assign"]
    )
    def assign_to_agent(self, request, queryset):
        field = handlers()
        if request.POST.get("apply"):
            try:
                agent = field.clean(request.POST.get("assignee"))
            except Exception:
                messages.error(request, _("Choose an agent."))
            else:
                self._assign_each(request, queryset, agent)
                return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Assign cases to an agent"),
            "cases": queryset,
            "agents": field.queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/disputes/dispute/assign_agent.html", context
        )

    def _assign_each(self, request, queryset, agent) -> None:
        done, failed = [], []
        for case in queryset.order_by("pk"):
            try:
                services.dispute_hand_over(
                    dispute=case, actor=request.user, assignee=agent
                )
            except ApplicationError as exc:
                failed.append(f"{case.number}: {exc.message}")
            else:
                done.append(case.number)
        if done:
            messages.success(
                request,
                _("Assigned to %(agent)s: %(cases)s")
                % {"agent": agent.username, "cases": ", ".join(done)},
            )
        if failed:
            messages.warning(
                request, _("Not assigned — %(why)s") % {"why": "; ".join(failed)}
            )


def goods_panel(case: Dispute) -> dict | None:
    """The goods of a case for the workbench: the step, its due time, the
    refund held, where the goods go, the items claimed and every parcel with
    what the carriers reported. None (no query) for a money-only claim."""
    if case.remedy not in GOODS_REMEDIES and not case.return_step:
        return None
    parcels = []
    for shipment in selectors.dispute_shipments(dispute=case):
        parcels.append(
            {
                "shipment": shipment,
                "carrier": shipment.get_carrier_display(),
                "events": list(shipment.events.all()),
            }
        )
    left, tone = ("", "")
    if case.step_due_at and case.state == State.RETURNING:
        left, tone = countdown.time_left(case.step_due_at)
    return {
        "step": case.get_return_step_display() if case.return_step else "",
        "due_at": case.step_due_at if case.state == State.RETURNING else None,
        "left": left,
        "tone": tone,
        "held": case.held_amount,
        "address": return_address(case.store),
        "items": selectors.dispute_claimed_items(dispute=case),
        "parcels": parcels,
    }
