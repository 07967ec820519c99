"""Admin views behind the case page: action forms, replies, evidence downloads.

Every write calls the action's service; an ApplicationError becomes an admin
message and the case is left as it was (the service runs in one transaction).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedHttpRequest
from core.errors import ApplicationError
from core.roles import role_of
from disputes import selectors, services
from disputes.actions import ACTION_DONE, ACTION_LABELS, ActionName, action_named
from disputes.choices import Outcome
from disputes.downloads import evidence_response
from disputes.models import Dispute, Evidence, Macro
from disputes.models.guards import may_work_on
from disputes.precedents import Precedents, precedents_for
from stores.scoping import can_see_dispute

from .forms import ACTION_FORMS, ReplyForm


def can_work_on(user, case: Dispute) -> bool:
    """Supervisors work on every case, agents on their own or unassigned ones."""
    return may_work_on(case, user)


def case_url(case: Dispute) -> str:
    return reverse("admin:disputes_dispute_change", args=[case.pk])


def _visible_case(
    model_admin, request: AuthenticatedHttpRequest, object_id: str
) -> Dispute:
    case = model_admin.get_object(request, object_id)
    if case is None or not model_admin.has_view_permission(request, case):
        raise Http404
    return case


def report_refusal(request: HttpRequest, exc: ApplicationError, form=None) -> None:
    """Say a refusal once: in the form when there is one (at its field, or
    above the fields), else as a message on the page it goes back to."""
    if form is None:
        messages.error(request, exc.message)
        return
    errors = {f: e for f, e in exc.errors.items() if f in form.fields}
    if len(errors) == 1:
        (field,) = errors
        form.add_error(field, exc.message)
    elif errors:
        for field, found in errors.items():
            form.add_error(field, found if isinstance(found, list) else [found])
    else:
        form.add_error(None, exc.message)


def _make_form(action: ActionName, request: AuthenticatedHttpRequest, case: Dispute):
    role = role_of(request.user)
    if request.method == "POST":
        return ACTION_FORMS[action](request.POST, role=role, case=case)
    return ACTION_FORMS[action](initial={"version": case.version}, role=role, case=case)


def case_action(
    model_admin, request: AuthenticatedHttpRequest, object_id: str, action: str
):
    """GET: the small form for one action; POST: run it through its service."""
    case = _visible_case(model_admin, request, object_id)
    name = action_named(action)
    if name is None or name not in ACTION_FORMS:
        raise Http404
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    try:
        services.check_action(case, request.user, name)
    except ApplicationError as exc:
        report_refusal(request, exc)
        return redirect(case_url(case))
    form = _make_form(name, request, case)
    if request.method == "POST" and form.is_valid():
        try:
            services.perform(
                form.inputs(),
                dispute=case,
                actor=request.user,
                expected_version=form.expected_version,
            )
        except ApplicationError as exc:
            report_refusal(request, exc, form)
        else:
            messages.success(request, str(ACTION_DONE[name]))
            return redirect(case_url(case))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "case": case,
        "form": form,
        "action": name,
        "title": f"{ACTION_LABELS[name]} · {case.number}",
        "action_label": ACTION_LABELS[name],
        "case_url": case_url(case),
        "rule_guidance": (
            selectors.rule_guidance(dispute=case) if "rule" in form.fields else None
        ),
        "precedents": (
            precedent_rows(precedents_for(case))
            if "departure_reason" in form.fields
            else None
        ),
        "reviewed_ruling": (
            getattr(case, "ruling", None)
            if name in (ActionName.UPHOLD, ActionName.OVERTURN)
            else None
        ),
    }
    return TemplateResponse(request, "admin/disputes/dispute/action_form.html", context)


def precedent_rows(found: Precedents) -> dict[str, object]:
    """The precedents panel of a decision form: rows with their case links."""
    rows = [
        {"precedent": p, "url": reverse("admin:disputes_dispute_change", args=[p.pk])}
        for p in found.precedents
    ]
    top = found.majority
    return {
        "rows": rows,
        "majority": top,
        "majority_label": (
            _("%(outcome)s in %(share)s%% of %(count)s similar cases")
            % {
                "outcome": Outcome(top.outcome).label,
                "share": round(top.share * 100),
                "count": top.cases,
            }
            if top
            else ""
        ),
    }


def take_next(model_admin, request: AuthenticatedHttpRequest) -> HttpResponse:
    """POST: hand the agent the most urgent free complaint and open it."""
    back = reverse("admin:disputes_dispute_changelist")
    if request.method != "POST":
        return redirect(back)
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    try:
        case = services.dispute_take_next(actor=request.user)
    except ApplicationError as exc:
        report_refusal(request, exc)
        return redirect(back)
    if case is None:
        messages.info(request, _("No complaint is waiting to be picked up."))
        return redirect(back)
    messages.success(
        request, _("You took %(case)s: it is yours now.") % {"case": case.number}
    )
    return redirect(case_url(case))


def case_macro(
    model_admin, request: AuthenticatedHttpRequest, object_id: str
) -> HttpResponse:
    """POST: run one macro on the case; a refused step keeps nothing."""
    case = _visible_case(model_admin, request, object_id)
    if request.method != "POST":
        return redirect(case_url(case))
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    chosen = str(request.POST.get("macro", ""))
    macro = (
        Macro.objects.filter(pk=int(chosen), active=True).first()
        if chosen.isdigit()
        else None
    )
    if macro is None:
        messages.error(request, _("Choose a macro."))
        return redirect(case_url(case))
    try:
        count = services.macro_run(macro=macro, dispute=case, actor=request.user)
    except ApplicationError as exc:
        report_refusal(request, exc)
    else:
        messages.success(
            request,
            _("Macro “%(macro)s”: %(count)s steps done.")
            % {"macro": macro.name, "count": count},
        )
    return redirect(case_url(case) + "#timeline")


def case_reply(
    model_admin, request: AuthenticatedHttpRequest, object_id: str
) -> HttpResponse:
    """POST a public reply or an internal note through services.message_post."""
    case = _visible_case(model_admin, request, object_id)
    if request.method != "POST":
        return redirect(case_url(case))
    if not (
        model_admin.has_change_permission(request) and can_work_on(request.user, case)
    ):
        raise PermissionDenied
    form = ReplyForm(request.POST)
    internal = request.POST.get("kind") == "internal"
    if not form.is_valid():
        messages.error(request, _("Write a message first."))
        return redirect(case_url(case))
    try:
        services.message_post(
            dispute=case,
            actor=request.user,
            body=form.cleaned_data["body"],
            internal=internal or form.cleaned_data["internal"],
        )
    except ApplicationError as exc:
        report_refusal(request, exc)
    else:
        messages.success(
            request, _("Internal note added.") if internal else _("Reply sent.")
        )
    return redirect(case_url(case) + "#timeline")


def evidence_download(
    model_admin, request: AuthenticatedHttpRequest, pk: int
) -> FileResponse:
    """Serve an evidence file to staff who may see its case (never from MEDIA_URL)."""
    evidence = Evidence.objects.select_related("dispute").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    case = evidence.dispute
    if not (
        model_admin.has_view_permission(request, case)
        and can_see_dispute(request.user, case)
    ):
        raise Http404
    return evidence_response(evidence, inline=request.GET.get("inline") == "1")
