"""The intervention report over the API (managers, supervisors and agents)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_responses, refuse_blank_params
from core.dates import supported_date
from core.errors import ActionNotPermitted, ValidationFailed
from core.roles import is_staff_role

from .selectors import DEFINITIONS, GROUP_BY, intervention_report


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
    label = serializers.CharField(allow_null=True)
    cases = serializers.IntegerField()
    interventions = serializers.IntegerField()
    intervention_rate = serializers.DecimalField(
        max_digits=5, decimal_places=4, coerce_to_string=False,
        help_text="interventions / cases, between 0 and 1.",
    )  # fmt: skip


class ReportDefinitionsSerializer(serializers.Serializer):
    def get_fields(self):
        return {name: serializers.CharField() for name in DEFINITIONS}


class InterventionReportSerializer(serializers.Serializer):
    group_by = serializers.CharField()
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    time_zone = serializers.CharField()
    definitions = ReportDefinitionsSerializer()
    totals = ReportRowSerializer()
    rows = ReportRowSerializer(many=True)


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
        report = intervention_report(**query.validated_data)
        return Response(InterventionReportSerializer(report).data)
