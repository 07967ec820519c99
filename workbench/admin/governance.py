"""Store governance in the workbench: the supervisors' queue of tier
proposals, appeals and case-counting contests, each decided with a written
reason (no decision preselected), and the published rule versions."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.admin import StaffOnlyMixin
from core.errors import ApplicationError
from core.roles import Role, is_supervisor, role_of
from reports.contests import contest_decide
from reports.models import CaseContest, ContestState
from stores.governance import (
    CONSEQUENCES,
    FIGURE_BY_NAME,
    RULE_NOTICE_DAYS,
    TIER_THRESHOLD_ORDER,
    action_decide,
    appeal_decide,
    rule_effective_earliest,
    rule_in_force,
    rule_new,
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


class RuleVersionForm(forms.Form):
    """A new version of the governance rule, prefilled from the latest one."""

    effective_from = forms.DateField(
        label=_("In force from (platform time, 00:00)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("What changed and why (published)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    min_orders = forms.IntegerField(label=_("Orders needed for a score"), min_value=1)
    window_days = forms.IntegerField(label=_("Window (days)"), min_value=1)
    wide_window_days = forms.IntegerField(label=_("Widened window (days)"), min_value=1)
    appeal_working_days = forms.IntegerField(
        label=_("Appeal decided within (working days)"), min_value=1
    )

    def __init__(self, *args, latest: GovernanceRule, **kwargs):
        initial = {
            key: getattr(latest, key)
            for key in ("min_orders", "window_days", "wide_window_days")
        }
        initial["appeal_working_days"] = latest.appeal_working_days
        initial["effective_from"] = timezone.localdate(rule_effective_earliest())
        for spec in latest.figures:
            initial[f"weight_{spec['name']}"] = spec["weight"]
            initial[f"acceptable_{spec['name']}"] = spec["acceptable"]
        for tier in TIER_THRESHOLD_ORDER:
            initial[f"threshold_{tier}"] = latest.thresholds.get(tier)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.latest = latest
        for spec in latest.figures:
            label = FIGURE_BY_NAME[spec["name"]].label
            self.fields[f"weight_{spec['name']}"] = forms.IntegerField(
                label=format_lazy("{}: {}", label, _("weight")), min_value=0
            )
            self.fields[f"acceptable_{spec['name']}"] = forms.DecimalField(
                label=format_lazy("{}: {}", label, _("full marks at (share, 0–1)")),
                min_value=0,
                max_value=1,
                decimal_places=4,
            )
        for tier in TIER_THRESHOLD_ORDER:
            self.fields[f"threshold_{tier}"] = forms.DecimalField(
                label=format_lazy("{}: {}", Tier(tier).label, _("a score below this")),
                min_value=0,
                max_value=100,
                decimal_places=1,
            )

    def rule_fields(self) -> dict:
        """The cleaned values as `rule_new` takes them."""
        data = self.cleaned_data
        figures = [
            {
                **spec,
                "weight": data[f"weight_{spec['name']}"],
                "acceptable": float(data[f"acceptable_{spec['name']}"]),
            }
            for spec in self.latest.figures
        ]
        thresholds = {}
        for tier in TIER_THRESHOLD_ORDER:
            value = data[f"threshold_{tier}"]
            thresholds[tier] = int(value) if value == int(value) else float(value)
        return {
            "figures": figures,
            "thresholds": thresholds,
            **{
                key: data[key]
                for key in (
                    "min_orders",
                    "window_days",
                    "wide_window_days",
                    "appeal_working_days",
                )
            },
        }


def may_publish_rule(user) -> bool:
    return is_supervisor(user) or role_of(user) == Role.MANAGER


@admin.register(GovernanceRule)
class GovernanceRuleAdmin(_ReadOnly):
    list_display = ["version", "effective_from", "min_orders", "window_days", "note"]
    change_list_template = "admin/governance/rule_list.html"

    def changelist_view(self, request, extra_context=None):
        extra = {"may_publish": may_publish_rule(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "new/",
                wrap(self.new_version_view),
                name="stores_governancerule_new",
            ),
            *super().get_urls(),
        ]

    def new_version_view(self, request):
        """Publish a new version from the latest one (`rule_new`): at least
        RULE_NOTICE_DAYS days ahead; a refusal keeps the form and says why."""
        if not may_publish_rule(request.user):
            raise PermissionDenied
        latest = GovernanceRule.objects.order_by("-version").first() or rule_in_force()
        form = RuleVersionForm(request.POST or None, latest=latest)
        if request.method == "POST" and form.is_valid():
            day = form.cleaned_data["effective_from"]
            effective = timezone.make_aware(datetime.combine(day, time.min))
            try:
                rule = rule_new(
                    actor=request.user,
                    effective_from=effective,
                    note=form.cleaned_data["note"],
                    **form.rule_fields(),
                )
            except ApplicationError as exc:
                for field, problems in (exc.errors or {}).items():
                    target = field if field in form.fields else None
                    for problem in problems if isinstance(problems, list) else []:
                        form.add_error(target, str(problem))
                if not form.errors:
                    form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Version %(v)s is published; in force from %(day)s.")
                    % {"v": rule.version, "day": day.isoformat()},
                )
                return redirect(rule.get_absolute_url())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("New version of the governance rule"),
            "form": form,
            "latest": latest,
            "notice_days": RULE_NOTICE_DAYS,
            "back_url": reverse("admin:stores_governancerule_changelist"),
        }
        return TemplateResponse(request, "admin/governance/rule_new.html", context)

    readonly_fields = [
        "version", "effective_from", "figures", "thresholds", "min_orders",
        "window_days", "wide_window_days", "appeal_working_days", "note",
        "created_by", "created_at",
    ]  # fmt: skip
