"""The report endpoints: the intervention rate (kept), every figure (summary)
and agent consistency with intervals."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_responses, refuse_blank_params
from core.dates import supported_date
from core.errors import ActionNotPermitted, NotVisible, ValidationFailed
from core.roles import Role, is_staff_role, role_of
from stores.models import Store, Tier

from .analysis import agent_consistency
from .filters import FILTER_NAMES, ReportFilterForm
from .selectors import (
    FIGURES,
    GROUP_BY,
    Query,
    rate_decimal,
    summary,
)


class ReportQuerySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=GROUP_BY, default="day")
    date_from = serializers.DateField(required=False, validators=[supported_date])
    date_to = serializers.DateField(required=False, validators=[supported_date])

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"date_to": [_("Must not be before date_from.")]}
            )
        return attrs


class ReportRowSerializer(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True,
        help_text="The period (YYYY-MM-DD, YYYY-MM) or the dimension's value.",
    )
    # "label" is the contract's name; the stubs type Field.label as text.
    label = serializers.CharField(allow_null=True)  # type: ignore[assignment]
    cases = serializers.IntegerField()
    interventions = serializers.IntegerField()
    intervention_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        coerce_to_string=False,
        help_text="interventions / cases, between 0 and 1.",
    )


class InterventionReportSerializer(serializers.Serializer):
    group_by = serializers.CharField()
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    time_zone = serializers.CharField()
    definitions = serializers.DictField(child=serializers.CharField())
    totals = ReportRowSerializer()
    rows = ReportRowSerializer(many=True)


def _intervention_row(row: dict) -> dict:
    return {
        "key": row["key"],
        "label": row["label"],
        "cases": row["cases"],
        "interventions": row["interventions"],
        "intervention_rate": rate_decimal(row["intervention_rate"]),
    }


class InterventionReportView(APIView):
    """Cases, interventions and the intervention rate, grouped."""

    @extend_schema(
        summary="The intervention rate by period or dimension",
        parameters=[ReportQuerySerializer],
        responses={
            200: InterventionReportSerializer,
            **error_responses(400, 401, 403),
        },
    )
    def get(self, request):
        if not is_staff_role(request.user):
            raise ActionNotPermitted(_("Only platform staff read reports."))
        refuse_blank_params(request.query_params, ReportQuerySerializer().fields)
        query = ReportQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise ValidationFailed(_("Check the report options."), errors=query.errors)
        report = summary(
            Query(**query.validated_data), names=("cases", "interventions")
        )
        report["rows"] = [_intervention_row(r) for r in report["rows"] if r["cases"]]
        report["totals"] = _intervention_row(report["totals"])
        report["totals"]["label"] = None
        return Response(InterventionReportSerializer(report).data)


def _figure_field(name: str) -> serializers.Field:
    if name in ("orders",):
        return serializers.IntegerField(allow_null=True)
    if name in ("cases", "interventions", "rulings", "appeals", "overturns"):
        return serializers.IntegerField()
    return serializers.FloatField(allow_null=True)


class SummaryRowSerializer(serializers.Serializer):
    key = serializers.JSONField(
        help_text="The period (YYYY-MM-DD, a week's Monday, YYYY-MM), a store id, "
        "a category code, a region, a reason code or an agent's username."
    )
    label = serializers.CharField(allow_null=True)  # type: ignore[assignment]

    def get_fields(self):
        fields = super().get_fields()
        fields.update({name: _figure_field(name) for name in FIGURES})
        return fields


class SummarySerializer(serializers.Serializer):
    group_by = serializers.CharField()
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    time_zone = serializers.CharField()
    definitions = serializers.DictField(child=serializers.CharField())
    totals = SummaryRowSerializer()
    rows = SummaryRowSerializer(many=True)


class ReportSummaryView(APIView):
    """Every report figure by period or dimension, with filters."""

    @extend_schema(
        summary="Every report figure (rates 0-1, null without a denominator)",
        parameters=[
            OpenApiParameter("group_by", enum=list(GROUP_BY), default="month"),
            OpenApiParameter("date_from", type=str, description="YYYY-MM-DD"),
            OpenApiParameter("date_to", type=str, description="YYYY-MM-DD"),
            OpenApiParameter("store", type=int),
            OpenApiParameter("category", type=str, description="category code"),
            OpenApiParameter("region", type=str, description="province"),
            OpenApiParameter(
                "policy_version",
                type=int,
                description="cases opened while this policy version was in force",
            ),
            OpenApiParameter("reason", type=str, description="reason code"),
            OpenApiParameter("agent", type=str, description="agent's username"),
        ],
        responses={200: SummarySerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        user = request.user
        if not (is_staff_role(user) or role_of(user) == Role.MERCHANT):
            raise ActionNotPermitted(_("Buyers do not read reports."))
        refuse_blank_params(request.query_params, FILTER_NAMES)
        form = ReportFilterForm(request.query_params, user=user)
        if not form.is_valid():
            raise ValidationFailed(
                _("Check the report options."),
                errors={k: [str(m) for m in v] for k, v in form.errors.items()},
            )
        # Already in the documented shape (SummarySerializer): no per-field pass.
        return Response(summary(form.query()))


def _number(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=help_text)


class AgentRowSerializer(serializers.Serializer):
    agent = serializers.CharField(source="username", help_text="The agent's username.")
    # "label" is the contract's name; the stubs type Field.label as text.
    label = serializers.CharField(source="name")  # type: ignore[assignment]
    cases = serializers.IntegerField()
    rulings = serializers.IntegerField()
    appeals = serializers.IntegerField()
    buyer_win_rate = _number("Rulings for the buyer / rulings (0-1).")
    buyer_win_low = _number("Low end of the rate's 95 % Wilson interval.")
    buyer_win_high = _number("High end of the rate's 95 % Wilson interval.")
    team_buyer_win_rate = _number("The team's rate for the agent's reasons.")
    buyer_win_gap = _number("buyer_win_rate - team_buyer_win_rate.")
    buyer_win_differs = serializers.BooleanField(
        help_text="The team's rate lies outside the agent's interval."
    )
    overturn_rate = _number("Overturned appeals / appeals (0-1).")
    overturn_low = _number("Low end of the rate's 95 % Wilson interval.")
    overturn_high = _number("High end of the rate's 95 % Wilson interval.")
    team_overturn_rate = _number("The team's rate for the agent's reasons.")
    overturn_gap = _number("overturn_rate - team_overturn_rate.")
    overturn_differs = serializers.BooleanField(
        help_text="The team's rate lies outside the agent's interval."
    )
    pickup_p50 = _number("Hours from complaint to pick-up, median.")
    team_pickup_p50 = _number("The team's median for the agent's reasons.")
    ruling_p50 = _number("Hours from pick-up to ruling, median.")
    team_ruling_p50 = _number("The team's median for the agent's reasons.")


class AgentConsistencySerializer(serializers.Serializer):
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    time_zone = serializers.CharField()
    rows = AgentRowSerializer(many=True)


class AgentConsistencyView(APIView):
    """Each agent's buyer-win and overturn rates, with their 95 % intervals,
    against the team's on the same reasons."""

    @extend_schema(
        summary="Agent consistency: each agent against the team, with intervals",
        parameters=[
            OpenApiParameter("date_from", type=str, description="YYYY-MM-DD"),
            OpenApiParameter("date_to", type=str, description="YYYY-MM-DD"),
            OpenApiParameter("store", type=int),
            OpenApiParameter("category", type=str, description="category code"),
            OpenApiParameter("region", type=str, description="province"),
            OpenApiParameter(
                "policy_version",
                type=int,
                description="cases opened while this policy version was in force",
            ),
            OpenApiParameter("reason", type=str, description="reason code"),
            OpenApiParameter("agent", type=str, description="agent's username"),
        ],
        responses={
            200: AgentConsistencySerializer,
            **error_responses(400, 401, 403),
        },
    )
    def get(self, request):
        if not is_staff_role(request.user):
            raise ActionNotPermitted(_("Only platform staff read reports."))
        refuse_blank_params(request.query_params, FILTER_NAMES)
        form = ReportFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            raise ValidationFailed(
                _("Check the report options."),
                errors={k: [str(m) for m in v] for k, v in form.errors.items()},
            )
        query = form.query()
        result = agent_consistency(query, named=True)
        data = {
            "date_from": query.date_from,
            "date_to": query.date_to,
            "time_zone": settings.TIME_ZONE,
            "rows": result["rows"],
        }
        return Response(AgentConsistencySerializer(data).data)


# Store health: GET /api/v1/stores/{id}/health/ (DESIGN.md).


class HealthFigureSerializer(serializers.Serializer):
    name = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="0–1; null for 0 / 0.")
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    weight = serializers.IntegerField()
    category_median = serializers.FloatField(allow_null=True)
    percentile = serializers.FloatField(
        allow_null=True,
        help_text="Share of the category's scored stores this store does no "
        "worse than (0–1); null without a score.",
    )


class StoreHealthSerializer(serializers.Serializer):
    store = serializers.IntegerField()
    score = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        allow_null=True,
        help_text="0–100; null when the sample is too small (样本不足).",
    )
    tier = serializers.ChoiceField(choices=[t.value for t in Tier])
    window_days = serializers.IntegerField(allow_null=True)
    orders = serializers.IntegerField()
    figures = HealthFigureSerializer(many=True)
    computed_at = serializers.DateTimeField(allow_null=True)


class StoreHealthView(APIView):
    @extend_schema(
        summary="A store's health score",
        description=(
            "The latest daily score (T+1) of the store with each figure: "
            "numerator, denominator, weight, the category's median and the "
            "store's percentile. Merchants see their own stores, staff all; "
            "any other store answers 404."
        ),
        parameters=[OpenApiParameter("store_id", int, OpenApiParameter.PATH)],
        responses={200: StoreHealthSerializer, **error_responses(401, 404)},
    )
    def get(self, request, store_id: str):
        from stores.scoping import store_ids_for

        from .health import health_payload, latest_health

        # Any path segment reaches the view, so that a malformed id gets the
        # API's JSON 404 rather than the site's HTML page.
        if not store_id.isdigit():
            raise NotVisible(_("No such store."))
        pk = int(store_id)
        role = role_of(request.user)
        if not (
            is_staff_role(request.user)
            or (role == Role.MERCHANT and pk in store_ids_for(request.user))
        ):
            raise NotVisible(_("No such store."))
        store = Store.objects.filter(pk=pk).first()
        if store is None:
            raise NotVisible(_("No such store."))
        health = latest_health([store.pk]).get(store.pk)
        return Response(StoreHealthSerializer(health_payload(store, health)).data)
