"""The signed-in user's notifications and mail preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from core.pages import page_of

from . import selectors, services
from .forms import MarkReadForm, PreferencesForm
from .wording import kind_label

PER_PAGE = 30


@login_required
@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Newest first; `?unread=1` shows only the unread ones."""
    only_unread = request.GET.get("unread") == "1"
    qs = selectors.notification_list(
        user=request.user, unread=True if only_unread else None
    )
    page = page_of(request, qs, PER_PAGE)
    items = [
        {
            "n": n,
            "label": kind_label(n.kind),
            "url": selectors.notification_path(request.user, n),
            "title": selectors.notification_title(n),
        }
        for n in page["rows"]
    ]
    context = {"items": items, "page": page, "only_unread": only_unread}
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def notification_mark_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark the chosen notifications (or all) read, then go back."""
    form = MarkReadForm(request.POST)
    if form.is_valid() and (form.cleaned_data["all"] or form.cleaned_data["ids"]):
        count = services.notifications_mark_read(
            user=request.user,
            ids=form.cleaned_data["ids"],
            all=form.cleaned_data["all"],
        )
        messages.success(request, _("Marked %(count)d as read.") % {"count": count})
    else:
        messages.error(request, _("Choose the notifications to mark as read."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "notifications:list"
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The language of the user's mail, and whether news is e-mailed too."""
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences are saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})
