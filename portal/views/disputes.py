"""The buyer and merchant pages: thin views over the services and selectors.

Agents and supervisors work in the admin and managers on the reports, so the
two list pages send them there; they may still read a case page (read-only).
Anything a user may not see answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedHttpRequest
from core.countdown import countdown_formats
from core.errors import ApplicationError
from core.pages import page_of
from core.roles import Role, role_of, staff_home
from core.uploads import max_upload_mb
from disputes import disclosure, selectors, services
from disputes.actions import (
    ACTION_DONE,
    ACTION_LABELS,
    ACTION_TONES,
    ActionName,
    action_named,
)
from disputes.bundle import bundle_chunks, case_bundle
from disputes.choices import OPEN_STATES, RequestStatus, State
from disputes.downloads import evidence_response
from disputes.forms import (
    ACTION_FORMS,
    STATE_FILTERS,
    DisputeOpenForm,
    EvidenceForm,
    MessageForm,
)
from disputes.models import Dispute, EvidenceRequest
from disputes.policy import (
    case_policy,
    case_terms,
    evidence_requirements,
    order_policy,
    policy_overview,
    ruling_compensation_text,
)
from notifications.selectors import with_unseen_activity
from notifications.services import case_seen_record
from orders.models import Order
from orders.selectors import visible_orders
from portal import presentation
from portal.goods import goods_context
from reports.health import what_if_ruled_against
from reports.models import ContestGrounds
from reports.selectors import merchant_response_figures
from stores.governance import rule_changes as governance_rule_changes
from stores.governance import rule_in_force
from stores.models import GovernanceRule
from stores.scoping import party_of, store_ids_for

MERCHANT_TAB_LABELS = {
    "waiting": _lazy("To handle"),
    "receiving": _lazy("Returns to receive"),
    "buyer": _lazy("Waiting for the buyer"),
    "platform": _lazy("With the platform"),
    "closed": _lazy("Closed"),
    "all": _lazy("All"),
}


@login_required
@require_GET
def dispute_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A buyer's cases (open / closed / all) or a merchant's work queue."""
    if home := staff_home(request.user):
        return redirect(home)
    if role_of(request.user) == Role.MERCHANT:
        return _merchant_queue(request)
    state = request.GET.get("state", "all")
    if state not in dict(STATE_FILTERS):
        state = "all"
    qs = with_unseen_activity(
        selectors.dispute_list(user=request.user), user=request.user
    )
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state == "closed":
        qs = qs.filter(state=State.CLOSED)
    context = {
        "page": page_of(request, qs),
        "state": state,
        "filters": STATE_FILTERS,
        "is_merchant": False,
    }
    return render(request, "disputes/list.html", context)


def _merchant_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """待处理 first, sorted by the nearest deadline; tabs with counts."""
    tab = request.GET.get("tab", "waiting")
    if tab not in selectors.MERCHANT_TABS:
        tab = "waiting"
    counts = selectors.merchant_tab_counts(user=request.user)
    tabs = [
        {"key": key, "label": MERCHANT_TAB_LABELS[key], "count": counts[key]}
        for key in selectors.MERCHANT_TABS
    ]
    page = page_of(request, selectors.merchant_queue(user=request.user, tab=tab))
    for case in page["rows"]:
        case.buyer_name = disclosure.buyer_name(case.buyer, reader=request.user)
    context = {
        "page": page,
        "tab": tab,
        "tabs": tabs,
        "is_merchant": True,
        "figures": merchant_response_figures(
            stores=store_ids_for(request.user), days=selectors.HISTORY_DAYS
        ),
    }
    return render(request, "disputes/list.html", context)


def _order_for_open(request: AuthenticatedHttpRequest) -> Order:
    if role_of(request.user) != Role.BUYER:
        raise Http404
    number = request.GET.get("order", "")
    order = (
        visible_orders(request.user)
        .select_related("store__category")
        .prefetch_related("items")
        .filter(number=number)
        .first()
    )
    if order is None:
        raise Http404
    return order


@login_required
def dispute_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open a case on an own order, with optional evidence, all or nothing."""
    order = _order_for_open(request)
    existing = order.disputes.filter(state__in=OPEN_STATES).first()
    if existing is not None:
        messages.info(request, _("This order already has an open case."))
        return redirect(existing.get_absolute_url())
    if request.method == "POST":
        form = DisputeOpenForm(request.POST, request.FILES, order=order)
        if form.is_valid():
            try:
                case = _open_with_evidence(request, order, form.cleaned_data)
            except ApplicationError as exc:
                if not _form_errors(form, exc):
                    form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "Case %(number)s is open. The merchant has until %(due)s "
                        "to answer."
                    )
                    % {
                        "number": case.number,
                        "due": timezone.localtime(case.merchant_deadline_at).strftime(
                            "%Y-%m-%d %H:%M"
                        ),
                    },
                )
                return redirect(case.get_absolute_url())
    else:
        form = DisputeOpenForm(order=order)
    requirements = evidence_requirements(order_policy(order))
    return render(
        request,
        "disputes/new.html",
        {"form": form, "order": order, "requirements": requirements},
    )


def _open_with_evidence(
    request: AuthenticatedHttpRequest, order: Order, data: dict
) -> Dispute:
    """One transaction: if any file is refused, the case is not opened either;
    the service checks the evidence the policy requires before storing any."""
    note = data["evidence_note"]
    evidence = [services.EvidenceFile(file=f, note=note) for f in data["files"]]
    if data.get("express_slip"):
        evidence.append(
            services.EvidenceFile(
                file=data["express_slip"], note=note, express_slip=True
            )
        )
    with transaction.atomic():
        picked = {"items": data["items"]} if data.get("items") else {}
        return services.dispute_open(
            actor=request.user,
            order=order,
            reason=data["reason"],
            remedy=data["remedy"],
            amount=data["amount"],
            description=data["description"],
            evidence=evidence,
            **picked,
        )


# The services' "evidence" (the files that come with a claim) is the open
# form's "files" field.
EVIDENCE_FIELD = {"evidence": "files"}


def _form_errors(form, exc: ApplicationError) -> bool:
    """Put a refusal on the form's fields, once: a single field gets the
    service's full sentence, several fields their own short errors. False
    when no field of the form is concerned (the page says it instead)."""
    named = {EVIDENCE_FIELD.get(f, f): e for f, e in (exc.errors or {}).items()}
    errors = {f: e for f, e in named.items() if f in form.fields}
    if len(errors) == 1:
        (field,) = errors
        form.add_error(field, exc.message)
    else:
        for field, found in errors.items():
            for error in found if isinstance(found, list) else [found]:
                form.add_error(field, str(error))
    return bool(errors)


def _visible_case(request: AuthenticatedHttpRequest, number: str) -> Dispute:
    case = selectors.dispute_detail(user=request.user, number=number)
    if case is None:
        raise Http404
    return case


def _case_context(
    request: AuthenticatedHttpRequest, case: Dispute, bound: dict | None = None
):
    user = request.user
    bound = bound or {}
    party = party_of(user, case)
    actions = []
    available = services.available_actions(case, user)
    for name in available:
        if name not in ACTION_FORMS:
            continue
        form = bound.get(name) or ACTION_FORMS[name](
            initial={"version": case.version}, case=case
        )
        actions.append(
            {
                "name": name,
                "label": ACTION_LABELS[name],
                "form": form,
                "tone": ACTION_TONES.get(name, ""),
                "has_fields": len(form.visible_fields()) > 0,
                "open": name in bound,
                "confirm": presentation.confirm_text(name, case),
            }
        )
    # Reverse one-to-ones raise an AttributeError subclass when absent.
    ruling = getattr(case, "ruling", None)
    appeal = getattr(case, "appeal_record", None)
    requests = []
    if party and case.is_open:
        requests = list(
            EvidenceRequest.objects.filter(
                dispute=case, party=party, status=RequestStatus.OPEN
            ).order_by("due_at")
        )
    timeline = disclosure.timeline_for_party(
        selectors.dispute_timeline(dispute=case, user=user),
        for_party=party is not None,
        reader=user,
        store=case.store,
    )
    visited = {e.to_state for e in timeline} | {e.from_state for e in timeline}
    goods = goods_context(case, party, visited)
    items = list(case.order.items.all())
    # Which items the claim is about (only a multi-item order can name some).
    claimed = selectors.dispute_claimed_items(dispute=case) if len(items) > 1 else []
    return {
        **goods,
        "case": case,
        "order": case.order,
        "items": items,
        "claimed_items": claimed,
        "party": party,
        "is_staff_viewer": party is None,
        "timeline": timeline,
        "steps": presentation.step_bar(case, visited),
        "opened_by_name": disclosure.shown_name(
            case.opened_by, Role.AGENT, for_party=party is not None, reader=user
        )
        if case.opened_by_id
        else "",
        "buyer_name": disclosure.buyer_name(case.buyer, reader=user),
        "turn": presentation.turn_for(
            case, party, requests, may_appeal=ActionName.APPEAL in available
        ),
        "idle_text": presentation.idle_text(requests),
        # 同意退款 stays open to the store the whole time the platform has the
        # case: a standing option, so the card still says what is waiting.
        "idle_beside_actions": party is not None
        and case.is_open
        and bool(actions)
        and all(a["name"] == ActionName.CONCEDE for a in actions),
        "ruling": ruling,
        "compensation_basis": ruling_compensation_text(case, ruling),
        "appeal": appeal,
        "actions": actions,
        "evidence_requests": requests,
        "can_contribute": party is not None and case.is_open,
        "message_form": bound.get("message") or MessageForm(),
        "evidence_form": bound.get("evidence") or EvidenceForm(),
        "refuse_evidence_form": bound.get("refuse_evidence")
        or EvidenceForm(prefix="refuse"),
        "countdown_formats": countdown_formats(),
        "max_upload_mb": max_upload_mb(),
        "terms": case_terms(case),
        "terms_version": case_policy(case).version,
        **_store_standing(case, party),
    }


def _store_standing(case: Dispute, party: str | None) -> dict:
    """For the merchant: what this case would do to the store's figures if
    ruled against them (reports.health), and contesting its counting."""
    if party != "merchant":
        return {}
    return {
        "standing": what_if_ruled_against(case),
        "health_contest": getattr(case, "health_contest", None),
        "contest_grounds": ContestGrounds.choices,
    }


@login_required
@require_GET
def dispute_detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The case page: summary, decisions, timeline and this user's actions."""
    case = _visible_case(request, number)
    case_seen_record(user=request.user, case=case)
    return render(request, "disputes/detail.html", _case_context(request, case))


def _refused(request, case, exc: ApplicationError | None, bound: dict) -> HttpResponse:
    """Show the case page again with the values the user typed: the problem
    is said once, at its field (`exc` None) or at the top of the page."""
    if exc is not None:
        messages.error(request, exc.message)
        status = exc.status_code if exc.status_code != 404 else 400
    else:
        status = 400
    case = _visible_case(request, case.number)
    return render(
        request,
        "disputes/detail.html",
        _case_context(request, case, bound),
        status=status,
    )


@login_required
@require_POST
def dispute_action(
    request: AuthenticatedHttpRequest, number: str, action: str
) -> HttpResponse:
    """Run one buyer or merchant action through its service."""
    case = _visible_case(request, number)
    name = action_named(action)
    if name is None or name not in ACTION_FORMS:
        raise Http404
    form = ACTION_FORMS[name](request.POST, case=case)
    # Refusing returned goods needs evidence: the page sends a file with the
    # refusal, uploaded in the same transaction (refused: nothing is kept).
    proof = None
    if name == ActionName.REFUSE_RETURN and request.FILES:
        proof = EvidenceForm(request.POST, request.FILES, prefix="refuse")
    bound: dict = {name: form}
    if proof is not None:
        bound["refuse_evidence"] = proof
    if not form.is_valid() or (proof is not None and not proof.is_valid()):
        return _refused(request, case, None, bound)
    try:
        with transaction.atomic():
            if proof is not None:
                services.evidence_upload(
                    dispute=case,
                    actor=request.user,
                    file=proof.cleaned_data["file"],
                    description=proof.cleaned_data["description"],
                )
            services.perform(
                form.inputs(),
                dispute=case,
                actor=request.user,
                expected_version=form.expected_version,
            )
    except ApplicationError as exc:
        placed = _form_errors(form, exc)
        if not placed and proof is not None and "evidence" in (exc.errors or {}):
            proof.add_error("file", exc.message)
            placed = True
        return _refused(request, case, None if placed else exc, bound)
    messages.success(request, str(ACTION_DONE[name]))
    return redirect(case.get_absolute_url())


@login_required
@require_POST
def dispute_message(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """Post a public message on the case."""
    case = _visible_case(request, number)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _refused(request, case, None, {"message": form})
    try:
        services.message_post(
            dispute=case, actor=request.user, body=form.cleaned_data["body"]
        )
    except ApplicationError as exc:
        placed = _form_errors(form, exc)
        return _refused(request, case, None if placed else exc, {"message": form})
    messages.success(request, _("Your message was added to the timeline."))
    return redirect(case.get_absolute_url() + "#timeline")


@login_required
@require_POST
def dispute_evidence(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """Upload one evidence file to the case."""
    case = _visible_case(request, number)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, case, None, {"evidence": form})
    try:
        services.evidence_upload(
            dispute=case,
            actor=request.user,
            file=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )
    except ApplicationError as exc:
        placed = _form_errors(form, exc)
        return _refused(request, case, None if placed else exc, {"evidence": form})
    messages.success(request, _("Your evidence was added to the timeline."))
    return redirect(case.get_absolute_url() + "#timeline")


@login_required
@require_GET
def evidence_download(
    request: AuthenticatedHttpRequest, number: str, pk: int
) -> FileResponse:
    """Stream an evidence file to whoever may see its case."""
    case = _visible_case(request, number)
    evidence = selectors.evidence_of(dispute=case, pk=pk)
    if evidence is None:
        raise Http404
    return evidence_response(evidence, inline=request.GET.get("inline") == "1")


@login_required
@require_GET
def dispute_bundle(
    request: AuthenticatedHttpRequest, number: str
) -> StreamingHttpResponse:
    """The case record as a ZIP, streamed, for whoever may see the case."""
    case = _visible_case(request, number)
    bundle = case_bundle(case=case, reader=request.user)
    response = StreamingHttpResponse(
        bundle_chunks(bundle), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{bundle.filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def rules(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The platform rules in force, for everybody to read."""
    rows = list(selectors.rules_in_force())
    query = request.GET.get("q", "").strip()
    if query:
        rows = [r for r in rows if query.lower() in f"{r.code} {r.title}".lower()]
    context = {
        "rules": rows,
        "q": query,
        "policies": policy_overview(),
        "governance": rule_in_force(),
    }
    return render(request, "disputes/rules.html", context)


@login_required
@require_GET
def rule_version(
    request: AuthenticatedHttpRequest, code: str, version: int
) -> HttpResponse:
    """One version of a rule, readable forever, with what it changed (the
    store governance rule's versions too)."""
    if code == GovernanceRule.CODE:
        return _governance_rule_version(request, version)
    versions = selectors.rule_versions(code=code)
    rule = next((r for r in versions if r.version == version), None)
    if rule is None:
        raise Http404
    previous = next((r for r in versions if r.version < version), None)
    in_force = selectors.rules_in_force().filter(code=code).first()
    context = {
        "rule": rule,
        "previous": previous,
        "versions": versions,
        "in_force": in_force,
        "is_in_force": in_force is not None and in_force.pk == rule.pk,
        "changes": selectors.rule_changes(rule=rule, previous=previous),
    }
    return render(request, "disputes/rule_version.html", context)


def _governance_rule_version(
    request: AuthenticatedHttpRequest, version: int
) -> HttpResponse:
    """A version of the store governance rule: published, upcoming or past."""
    versions = list(GovernanceRule.objects.order_by("-version"))
    rule = next((r for r in versions if r.version == version), None)
    if rule is None:
        raise Http404
    previous = next((r for r in versions if r.version < version), None)
    in_force = rule_in_force()
    context = {
        "rule": rule,
        "previous": previous,
        "versions": versions,
        "in_force": in_force,
        "is_in_force": in_force.pk == rule.pk,
        "upcoming": rule.effective_from > timezone.now(),
        "changes": governance_rule_changes(rule, previous),
    }
    return render(request, "disputes/rule_version.html", context)
