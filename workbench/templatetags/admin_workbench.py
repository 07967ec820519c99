"""Template helpers for the workbench: home figures, badges and time left."""

from __future__ import annotations

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.utils.html import format_html

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

    return InclusionAdminNode(
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
def event_label(action: str) -> str:
    return actions.event_label(action)
