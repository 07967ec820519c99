"""How report figures read on a page: percentages, hours, changes, in the locale."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.roles import Role, role_of

register = template.Library()
NONE = "—"


@register.filter
def pct(value: float | None) -> str:
    """0.4917 -> "49.2 %" (the sign placed as the reader's language writes it)."""
    if value is None:
        return NONE
    return _("%(value)s %%") % {"value": number_format(round(value * 100, 1), 1)}


@register.filter
def hours(value: float | None) -> str:
    if value is None:
        return NONE
    return number_format(round(value, 1), 1, force_grouping=True)


@register.filter
def num(value: int | float | None) -> str:
    if value is None:
        return NONE
    return number_format(value, force_grouping=True)


@register.filter
def change(value: float | None) -> str:
    """A change of a rate in percentage points, signed: "+1.2 pp"."""
    if value is None:
        return NONE
    points = number_format(round(abs(value) * 100, 1), 1)
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return _("%(sign)s%(points)s pp") % {"sign": sign, "points": points}


@register.filter
def lookup(mapping: dict, key: str):
    return mapping.get(key) if mapping else None


COUNT_FIGURES = {"orders", "cases", "interventions", "rulings", "appeals", "overturns"}


@register.filter
def figure(row: dict, name: str) -> str:
    """One figure of a report row, formatted by its kind."""
    value = row.get(name)
    if name in COUNT_FIGURES:
        return num(value)
    if name.startswith("hours_"):
        return hours(value)
    if name == "interventions_per_1000_orders":
        return NONE if value is None else number_format(round(value, 2), 2)
    return pct(value)


@register.filter
def label_of(name: str) -> str:
    from reports.definitions import FIGURE_LABELS

    return str(FIGURE_LABELS.get(name, name))


@register.filter
def sees_quality_report(user) -> bool:
    """Managers and supervisors read the quality report (/reports/quality/)."""
    return bool(getattr(user, "is_superuser", False)) or role_of(user) in (
        Role.MANAGER,
        Role.SUPERVISOR,
    )
