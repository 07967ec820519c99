"""The report filters, checked once for pages, CSV and the API.

An unknown value (a store that does not exist or is not the merchant's, a
category, region, reason or agent nobody has) is an error, never ignored.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.dates import supported_date
from core.roles import PLATFORM_ROLES, Role, role_of
from disputes.choices import Reason
from disputes.models.policy import cached_versions
from stores.models import PROVINCES, Category, Store
from stores.scoping import store_ids_for

from .selectors import GROUP_BY, Query

GROUP_LABELS = {
    "day": _("Day"),
    "week": _("Week"),
    "month": _("Month"),
    "store": _("Store"),
    "category": _("Store category"),
    "region": _("Region (province)"),
    "reason": _("Dispute reason"),
    "agent": _("Agent"),
}
FILTER_NAMES = (
    "group_by",
    "date_from",
    "date_to",
    "store",
    "category",
    "region",
    "reason",
    "agent",
    "policy_version",
)
EARLIEST = "2000-01-01"


def policy_windows() -> dict[int, tuple[date, date | None]]:
    """Each policy version and the days (local) it was in force: from its
    effective day to the day before the next one's (None: still in force)."""
    versions = [(v.version, v.effective_from) for v in cached_versions()]
    today = timezone.localdate()
    windows: dict[int, tuple[date, date | None]] = {}
    for i, (number, start) in enumerate(versions):
        first = max(timezone.localdate(start), date(2000, 1, 1))
        if first > today:
            continue  # upcoming: no case opened under it yet
        following = versions[i + 1][1] if i + 1 < len(versions) else None
        last = None
        if following is not None and timezone.localdate(following) <= today:
            last = timezone.localdate(following) - timedelta(days=1)
        windows[number] = (first, last)
    return windows


def _blank(label):
    return [("", label)]


class ReportFilterForm(forms.Form):
    group_by = forms.ChoiceField(
        label=_("Group by"),
        choices=[(g, GROUP_LABELS[g]) for g in GROUP_BY],
        required=False,
    )
    date_from = forms.DateField(
        label=_("Opened from"),
        required=False,
        validators=[supported_date],
        widget=forms.DateInput(attrs={"type": "date", "min": EARLIEST}),
    )
    date_to = forms.DateField(
        label=_("Opened to"),
        required=False,
        validators=[supported_date],
        widget=forms.DateInput(attrs={"type": "date", "min": EARLIEST}),
    )
    category = forms.ChoiceField(label=_("Store category"), required=False)
    region = forms.ChoiceField(
        label=_("Region (province)"),
        required=False,
        choices=_blank(_("All regions")) + [(p, p) for p in PROVINCES],
    )
    store = forms.IntegerField(label=_("Store number"), required=False, min_value=1)
    reason = forms.ChoiceField(
        label=_("Dispute reason"),
        required=False,
        choices=_blank(_("All reasons")) + list(Reason.choices),
    )
    agent = forms.ChoiceField(label=_("Agent"), required=False)
    # A case keeps the version in force when it opened, so the cases of a
    # version are those opened while it was in force: the filter narrows the
    # opening dates to its days (a version taking effect mid-day shares that
    # day with the one before; the demo's and the workbench's start at 00:00).
    policy_version = forms.ChoiceField(label=_("Policy version"), required=False)

    def __init__(self, *args, user: User, default_group: str = "month", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.default_group = default_group
        self.fields["group_by"].initial = default_group
        categories = list(Category.objects.values_list("code", "name", "pk"))
        self.category_ids = {code: pk for code, _name, pk in categories}
        self._choices("category").choices = _blank(_("All categories")) + [
            (code, name) for code, name, _pk in categories
        ]
        self.policy_windows = policy_windows()
        self._choices("policy_version").choices = _blank(_("All versions")) + [
            (str(n), _("Version %(n)s (from %(start)s)") % {"n": n, "start": start})
            for n, (start, _end) in self.policy_windows.items()
        ]
        self._agents: list[User] | None = None
        self.merchant_stores = None
        if role_of(user) == Role.MERCHANT:
            self.merchant_stores = store_ids_for(user)
            self._agents = []
        # Read when the list is shown or an agent is named, not otherwise
        # (the join reads every user: most of them are buyers).
        self._choices("agent").choices = lambda: (
            _blank(_("All agents")) + [(u.username, str(u)) for u in self.agents()]
        )

    def _choices(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def agents(self) -> list[User]:
        if self._agents is None:
            # The role groups' ids first: with them as constants PostgreSQL
            # reads the few members from the group_id index (169 ms -> 0.3 ms
            # at 200,000 users); joined by name it guessed a quarter of all
            # users and scanned them.
            groups = list(
                Group.objects.filter(
                    name__in=[r.value for r in PLATFORM_ROLES]
                ).values_list("id", flat=True)
            )
            members = User.groups.through.objects.filter(group_id__in=groups).values(
                "user_id"
            )
            agents = User.objects.filter(pk__in=members).only(
                "username", "display_name"
            )
            self._agents = list(agents.order_by("username"))
        return self._agents

    def clean_store(self):
        store = self.cleaned_data.get("store")
        if store is None:
            return None
        exists = Store.objects.filter(pk=store)
        if self.merchant_stores is not None:
            exists = exists.filter(pk__in=self.merchant_stores)
        if not exists.exists():
            raise forms.ValidationError(_("No such store."), code="unknown")
        return store

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        version = data.get("policy_version")
        if version:
            first, last = self.policy_windows[int(version)]
            start = max(filter(None, [start, first]))
            end = min(filter(None, [end, last]), default=None)
            if end is not None and start > end:
                raise forms.ValidationError(
                    _("No day of the period falls under that policy version.")
                )
            data["date_from"], data["date_to"] = start, end
        return data

    def query(self) -> Query:
        """The checked question (call after is_valid())."""
        data = self.cleaned_data
        category = data.get("category") or None
        agent = data.get("agent") or None
        return Query(
            group_by=data.get("group_by") or self.default_group,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            store=data.get("store"),
            category=self.category_ids[category] if category else None,
            region=data.get("region") or None,
            reason=data.get("reason") or None,
            agent=next(u.pk for u in self.agents() if u.username == agent)
            if agent
            else None,
            stores=self.merchant_stores,
        )


class QualityFilterForm(ReportFilterForm):
    """The quality report's filters (`reports.quality`): its period is the
    day a ruling was decided, not the day its case opened; it is always per
    agent (no grouping), and a policy version, which narrows the opening
    dates, does not apply to it."""

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, user=user, default_group="agent", **kwargs)
        self.fields["date_from"].label = _("Ruled from")
        self.fields["date_to"].label = _("Ruled to")
        del self.fields["group_by"]
        del self.fields["policy_version"]
