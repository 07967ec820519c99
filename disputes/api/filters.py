"""django-filter sets for the case list."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet

from accounts.models import User
from core.api import StrictFilterSet
from core.dates import supported_date
from disputes.choices import Reason, State
from disputes.models import Dispute

MAX_ID = 2**63 - 1


class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class DisputeFilter(StrictFilterSet):
    state = filters.ChoiceFilter(choices=State.choices)
    reason = filters.ChoiceFilter(choices=Reason.choices)
    store = IdFilter(
        field_name="store_id", min_value=1, max_value=MAX_ID, help_text="A store id."
    )
    assigned_to = filters.CharFilter(
        method="filter_assigned_to",
        max_length=150,
        help_text="An agent's username or id.",
    )
    opened_after = filters.IsoDateTimeFilter(
        field_name="opened_at", lookup_expr="gte", validators=[supported_date]
    )
    opened_before = filters.IsoDateTimeFilter(
        field_name="opened_at", lookup_expr="lt", validators=[supported_date]
    )

    class Meta:
        model = Dispute
        fields = [
            "state",
            "reason",
            "store",
            "assigned_to",
            "opened_after",
            "opened_before",
        ]

    def filter_assigned_to(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        # The agent first, then the cases by id: an OR across the join would
        # keep PostgreSQL from reading the (assigned_to, opened_at) index.
        match = Q(username=value)
        if value.isdigit() and int(value) <= MAX_ID:
            match |= Q(pk=int(value))
        agents = list(User.objects.filter(match).values_list("pk", flat=True))
        return qs.filter(assigned_to_id__in=agents)
