"""The quality-review queue: supervisors score sampled rulings; agents read
their reviews and may contest one. Every write calls
`disputes.services.quality`."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import ReadOnlyAdmin
from core.errors import ApplicationError
from core.roles import Role, role_of
from disputes.models import SCORECARD, QualityReview
from disputes.services.quality import may_review, review_contest, review_submit

YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


class ScorecardForm(forms.Form):
    """The short scorecard; no answer is preselected."""

    facts_checked = forms.ChoiceField(
        label=gettext_lazy("The facts were checked"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    rule_applied = forms.ChoiceField(
        label=gettext_lazy("The right rule was applied correctly"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    reasoning_clear = forms.ChoiceField(
        label=gettext_lazy("The reasoning is clear to the parties"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    outcome_consistent = forms.ChoiceField(
        label=gettext_lazy("The outcome is consistent with similar cases"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def marks(self) -> dict[str, bool]:
        return {item: self.cleaned_data[item] == "yes" for item in SCORECARD}


class ContestForm(forms.Form):
    contest_reason = forms.CharField(
        label=gettext_lazy("Why you disagree with this review"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("waiting", gettext_lazy("Waiting for review")),
            ("done", gettext_lazy("Reviewed")),
            ("contested", gettext_lazy("Contested")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(reviewed_at__isnull=True)
        if self.value() == "done":
            return queryset.filter(reviewed_at__isnull=False)
        if self.value() == "contested":
            return queryset.filter(contested_at__isnull=False)
        return queryset


def _is_agent(request) -> bool:
    return role_of(request.user) == Role.AGENT


@admin.register(QualityReview)
class QualityReviewAdmin(ReadOnlyAdmin):
    """Supervisors' review queue; an agent's own finished reviews."""

    list_display = ["case", "agent", "week", "why", "status", "score_shown"]
    list_select_related = ["ruling__dispute", "agent"]
    list_filter = [ReviewStatusFilter, "why", "week"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request):
        reviews = super().get_queryset(request)
        if _is_agent(request):  # their own, once finished; never who reviewed
            return reviews.filter(agent=request.user, reviewed_at__isnull=False)
        return reviews

    @admin.display(description=gettext_lazy("case"))
    def case(self, review):
        return review.ruling.dispute.number

    @admin.display(description=gettext_lazy("status"))
    def status(self, review):
        if review.contested_at:
            return _("Contested")
        return _("Reviewed") if review.reviewed_at else _("Waiting for review")

    @admin.display(description=gettext_lazy("score"))
    def score_shown(self, review):
        met, scored = review.score
        return f"{met}/{scored}" if scored else "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        review = (
            self.get_queryset(request)
            .select_related(
                "ruling__dispute__store", "ruling__rule", "ruling__decided_by"
            )
            .filter(pk=object_id)
            .first()
        )
        if review is None or not self.has_view_permission(request, review):
            raise Http404
        here = reverse("admin:disputes_qualityreview_change", args=[review.pk])
        scoring = not review.done and may_review(review, request.user)
        contesting = (
            review.done
            and review.agent_id == request.user.pk
            and review.contested_at is None
        )
        scorecard = ScorecardForm(request.POST or None) if scoring else None
        contest = ContestForm(request.POST or None) if contesting else None
        if request.method == "POST":
            try:
                if scorecard is not None and scorecard.is_valid():
                    review_submit(
                        review=review,
                        actor=request.user,
                        comment=scorecard.cleaned_data["comment"],
                        **scorecard.marks(),
                    )
                    messages.success(request, _("Review saved."))
                    return redirect(
                        reverse("admin:disputes_qualityreview_changelist")
                        + "?status=waiting"
                    )
                if contest is not None and contest.is_valid():
                    review_contest(
                        review=review,
                        actor=request.user,
                        reason=contest.cleaned_data["contest_reason"],
                    )
                    messages.success(request, _("Your objection was recorded."))
                    return redirect(here)
            except ApplicationError as exc:
                messages.error(request, exc.message)
        items = [
            (ScorecardForm.base_fields[item].label, getattr(review, item))
            for item in SCORECARD
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Quality review · %(case)s")
            % {"case": review.ruling.dispute.number},
            "review": review,
            "ruling": review.ruling,
            "case_url": reverse(
                "admin:disputes_dispute_change", args=[review.ruling.dispute_id]
            ),
            "scorecard": scorecard,
            "contest": contest,
            "items": items,
            # The reviewer's name is for supervisors; blind: a second review
            # never shows the first, nor the first the second.
            "show_reviewer": not _is_agent(request),
        }
        return TemplateResponse(
            request, "admin/disputes/qualityreview/review.html", context
        )
