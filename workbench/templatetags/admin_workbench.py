"""Template helpers for the workbench: home figures, badges and time left."""

from __future__ import annotations

from django import template
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core import countdown
from core.roles import is_platform_staff
from disputes import actions
from workbench import queues as workbench

register = template.Library()


@register.tag(name="fast_result_list")
def fast_result_list_tag(parser, token):
    """admin's `result_list`, each row written as one string (the fast path in
    workbench/admin/fastpath_rows.py)."""
    from workbench.admin.fastpath_rows import result_list

    # django-stubs give InclusionAdminNode a leading `name` Django 5.2 has not.
    return InclusionAdminNode(  # type: ignore[call-arg]
        parser,
        token,
        func=result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )


@register.simple_tag
def workbench_home(user) -> dict:
    """The home counts, each linking to its filtered list."""
    return {
        "counts": workbench.home_counts(user),
        "stores_pending": workbench.stores_pending_count(user),
    }


@register.filter
def may_take_next(user) -> bool:
    """Whether the user gets the "take the next case" button."""
    return is_platform_staff(user)


@register.filter
def may_open_for_buyer(user) -> bool:
    """Whether the user gets the "open a case for a buyer" button."""
    from workbench.admin.intake import may_open_for_buyer as allowed

    return allowed(user)


def _admin_of(opts):
    try:
        return admin.site.get_model_admin(opts.model)
    except NotRegistered:
        return None


@register.filter
def list_title(opts) -> str:
    """A list page's title: its admin's `list_title`, else the model's plural."""
    title = getattr(_admin_of(opts), "list_title", None)
    return str(title or capfirst(opts.verbose_name_plural))


@register.filter
def crumb(opts) -> str:
    """The breadcrumb naming a model's pages: its admin's `crumb`, else the plural."""
    name = getattr(_admin_of(opts), "crumb", None)
    return str(name or capfirst(opts.verbose_name_plural))


@register.filter
def history_anchor(opts) -> str:
    """Where a record's history is on its own page ("" : Django's history page)."""
    return str(getattr(_admin_of(opts), "history_anchor", "") or "")


@register.simple_tag
def workbench_activity(user) -> list:
    """The user's latest timeline entries (like admin's get_admin_log)."""
    return workbench.recent_activity(user)


@register.filter
def time_left(deadline) -> str:
    text, tone = countdown.time_left(deadline)
    if not text:
        return ""
    return format_html('<span class="wb-left tone-{}">{}</span>', tone or "ok", text)


@register.filter
def state_badge(case) -> str:
    return format_html(
        '<span class="wb-badge state-{}">{}</span>',
        case.state,
        case.get_state_display(),
    )


@register.filter
def money(value) -> str:
    return "—" if value is None else f"¥{value:,.2f}"


@register.filter
def file_kind(content_type: str) -> str:
    """What an evidence file is, in words (not its MIME type)."""
    if content_type.startswith("image/"):
        return str(_("photo"))
    if content_type.startswith("video/"):
        return str(_("video"))
    if content_type == "application/pdf":
        return str(_("PDF document"))
    return content_type


@register.filter
def event_label(action: str) -> str:
    return actions.event_label(action)
