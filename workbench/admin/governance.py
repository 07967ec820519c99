"""Store governance in the workbench: the supervisors' queue of tier
proposals, appeals and case-counting contests, each decided with a written
reason (no decision preselected), and the published rule versions."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from core.admin import StaffOnlyMixin
from core.errors import ApplicationError
from core.roles import is_supervisor
from reports.contests import contest_decide
from reports.models import CaseContest, ContestState
from stores.governance import (
    CONSEQUENCES,
    FIGURE_BY_NAME,
    action_decide,
    appeal_decide,
)
from stores.models import (
    ActionState,
    AppealState,
    GovernanceAction,
    GovernanceAppeal,
    GovernanceRule,
    Tier,
)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect, choices=()
    )
    reason = forms.CharField(
        label=_("Reason (shown to the merchant)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices  # none preselected


class _ReadOnly(StaffOnlyMixin, admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _decide_page(request, admin_, *, obj, title, facts, choices, run, back):
    """The decision form of one proposal, appeal or contest."""
    if not is_supervisor(request.user):
        raise PermissionDenied
    form = DecisionForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data["decision"], form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Decided."))
            return redirect(back)
    context = {
        **admin_.admin_site.each_context(request),
        "opts": admin_.model._meta,
        "original": obj,
        "form": form,
        "title": title,
        "facts": facts,
        "back_url": back,
    }
    return TemplateResponse(request, "admin/governance/decide.html", context)


def _labelled(facts: dict) -> list[dict]:
    return [
        {**f, "label": FIGURE_BY_NAME[f["name"]].label}
        for f in (facts or {}).get("figures", [])
        if f.get("name") in FIGURE_BY_NAME
    ]


@admin.register(GovernanceAction)
class GovernanceActionAdmin(_ReadOnly):
    list_display = ["store", "from_tier", "to_tier", "score", "state", "proposed_at"]
    list_filter = ["state", "to_tier"]
    list_select_related = ["store"]
    search_fields = ["store__name"]
    readonly_fields = [
        "store", "from_tier", "to_tier", "rule", "score", "facts", "state",
        "proposed_by", "proposed_at", "proposal_note", "decided_by", "decided_at",
        "decision_reason",
    ]  # fmt: skip

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("queue/", wrap(self.queue_view), name="governance_queue"),
            path(
                "<int:pk>/decide/",
                wrap(self.decide_view),
                name="stores_governanceaction_decide",
            ),
            *super().get_urls(),
        ]

    def queue_view(self, request):
        """The supervisors' queue: open proposals, pending appeals, contests."""
        if not self._staff(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Governance queue"),
            "proposals": GovernanceAction.objects.filter(state=ActionState.PROPOSED)
            .select_related("store", "rule")
            .order_by("proposed_at")[:200],
            "appeals": GovernanceAppeal.objects.filter(state=AppealState.PENDING)
            .select_related("action__store", "action__decided_by")
            .order_by("due_at")[:200],
            "contests": CaseContest.objects.filter(state=ContestState.PENDING)
            .select_related("dispute")
            .order_by("filed_at")[:200],
            "may_decide": is_supervisor(request.user),
        }
        return TemplateResponse(request, "admin/governance/queue.html", context)

    def decide_view(self, request, pk):
        action = (
            GovernanceAction.objects.select_related("store", "rule")
            .filter(pk=pk)
            .first()
        )
        if action is None:
            raise Http404

        def run(decision, reason):
            action_decide(
                action=action,
                actor=request.user,
                approve=decision == "apply",
                reason=reason,
            )

        return _decide_page(
            request,
            self,
            obj=action,
            title=f"{action.store.name}: {action.get_from_tier_display()} → "
            f"{action.get_to_tier_display()}",
            facts={
                "facts": action.facts,
                "figures": _labelled(action.facts),
                "consequence": CONSEQUENCES[Tier(action.to_tier)],
                "rule": action.rule,
            },
            choices=[("apply", _("Apply it")), ("decline", _("Decline it"))],
            run=run,
            back=reverse("admin:governance_queue"),
        )


@admin.register(GovernanceAppeal)
class GovernanceAppealAdmin(_ReadOnly):
    list_display = ["action", "state", "filed_at", "due_at", "decided_by"]
    list_filter = ["state"]
    list_select_related = ["action__store", "decided_by"]
    readonly_fields = [
        "action", "appellant", "reason", "filed_at", "due_at", "state",
        "decided_by", "decided_at", "decision_reason",
    ]  # fmt: skip

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/decide/",
                wrap(self.decide_view),
                name="stores_governanceappeal_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk):
        appeal = (
            GovernanceAppeal.objects.select_related("action__store", "action__rule")
            .filter(pk=pk)
            .first()
        )
        if appeal is None:
            raise Http404

        def run(decision, reason):
            appeal_decide(
                appeal=appeal,
                actor=request.user,
                overturn=decision == "overturn",
                reason=reason,
            )

        return _decide_page(
            request,
            self,
            obj=appeal,
            title=str(appeal.action),
            facts={
                "facts": appeal.action.facts,
                "figures": _labelled(appeal.action.facts),
                "grounds": appeal.reason,
                "due_at": appeal.due_at,
                "rule": appeal.action.rule,
                "action_reason": appeal.action.decision_reason,
            },
            choices=[
                ("uphold", _("Uphold the action")),
                ("overturn", _("Overturn the action")),
            ],
            run=run,
            back=reverse("admin:governance_queue"),
        )


@admin.register(CaseContest)
class CaseContestAdmin(_ReadOnly):
    list_display = ["dispute", "grounds", "state", "filed_at", "decided_by"]
    list_filter = ["state", "grounds"]
    list_select_related = ["dispute", "decided_by"]
    readonly_fields = [
        "dispute", "store_id", "grounds", "reason", "evidence", "evidence_file",
        "filed_by", "filed_at", "state", "decided_by", "decided_at",
        "decision_reason",
    ]  # fmt: skip

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/decide/",
                wrap(self.decide_view),
                name="reports_casecontest_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk):
        contest = CaseContest.objects.select_related("dispute").filter(pk=pk).first()
        if contest is None:
            raise Http404

        def run(decision, reason):
            contest_decide(
                contest=contest,
                actor=request.user,
                uphold=decision == "exclude",
                reason=reason,
            )

        return _decide_page(
            request,
            self,
            obj=contest,
            title=contest.dispute.number,
            facts={
                "grounds": f"{contest.get_grounds_display()}: {contest.reason}",
                "evidence": contest.evidence,
                "case_url": reverse(
                    "admin:disputes_dispute_change", args=[contest.dispute_id]
                ),
            },
            choices=[
                ("exclude", _("Exclude it from the score")),
                ("count", _("Keep counting it")),
            ],
            run=run,
            back=reverse("admin:governance_queue"),
        )


@admin.register(GovernanceRule)
class GovernanceRuleAdmin(_ReadOnly):
    list_display = ["version", "effective_from", "min_orders", "window_days", "note"]
    readonly_fields = [
        "version", "effective_from", "figures", "thresholds", "min_orders",
        "window_days", "wide_window_days", "appeal_working_days", "note",
        "created_by", "created_at",
    ]  # fmt: skip
