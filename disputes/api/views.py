"""Case endpoints: every write calls the same service as the pages and the admin."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import api_user
from core.api import (
    IDEMPOTENCY_PARAMETER,
    CaseCursorPagination,
    error_responses,
    idempotent,
)
from core.errors import ActionNotPermitted, NotVisible
from core.roles import Role, is_platform_staff, is_staff_role, role_of
from core.uploads import ACCEPTED_TYPES
from disputes import selectors, services
from disputes.actions import ACTIONS, USER_ACTIONS, action_named
from disputes.downloads import evidence_response
from disputes.models import Dispute, Evidence
from disputes.precedents import precedents_for
from orders.carriers import carrier_list
from orders.selectors import visible_orders
from stores.scoping import party_of

from .filters import DisputeFilter
from .serializers import (
    ACTION_SERIALIZERS,
    ActionSerializer,
    CarrierSerializer,
    DisputeDetailSerializer,
    DisputeOpenMultipartSerializer,
    DisputeOpenSerializer,
    DisputeSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    LogisticsEventResultSerializer,
    LogisticsEventSerializer,
    MessageSerializer,
    PrecedentsSerializer,
    RuleSerializer,
    TimelineEntrySerializer,
)

NUMBER = OpenApiParameter(
    "number", str, OpenApiParameter.PATH, description="The case number."
)
ACTION_NAME = OpenApiParameter(
    "action_name",
    str,
    OpenApiParameter.PATH,
    enum=[name.value for name in USER_ACTIONS],
    description="An action name; unknown names answer 404.",
)
READ_ERRORS = error_responses(401, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422, 429)


def action_fields_text() -> str:
    """Which fields each action reads, for the schema (from the registry)."""
    parts = [
        f"{name}: {', '.join(f.name for f in ACTIONS[name].fields)}"
        for name in USER_ACTIONS
        if ACTIONS[name].fields
    ]
    return "; ".join(parts)


def visible_case(user, number: str, *, answer: bool = False) -> Dispute:
    """The case with its ruling and appeal, or 404 when the user may not see
    it; with `answer`, only the columns the API's answer reads (to serialize,
    not to act on: `selectors.dispute_answer`)."""
    case = None
    read = selectors.dispute_answer if answer else selectors.dispute_feed_item
    if len(number) <= 24 and "\x00" not in number:
        case = read(user=user, number=number)
    if case is None:
        raise NotVisible(_("No such case."))
    return case


@extend_schema_view(
    list=extend_schema(
        summary="List the cases you may see",
        responses={200: DisputeSerializer, **error_responses(400, 401)},
    ),
)
class DisputeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Cases, their actions, messages, evidence and timeline."""

    serializer_class = DisputeSerializer
    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    pagination_class = CaseCursorPagination
    filterset_class = DisputeFilter
    parser_classes = [JSONParser]
    throttle_scopes = {
        "create": "dispute_open",
        "messages": "message",
        "evidence": "evidence",
        "run_action": "action",
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Dispute.objects.none()
        return selectors.dispute_feed(user=api_user(self.request))

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else selectors.with_decisions(list(page))

    def _case_response(self, number: str, code: int = status.HTTP_200_OK):
        case = visible_case(self.request.user, number, answer=True)
        context = self.get_serializer_context()
        data = DisputeDetailSerializer(case, context=context).data
        return Response(data, status=code)

    @extend_schema(
        summary="One case, with the actions you may run on it now",
        parameters=[NUMBER],
        responses={200: DisputeDetailSerializer, **READ_ERRORS},
    )
    def retrieve(self, request, number: str):
        return self._case_response(number)

    def get_parsers(self):
        # Opening a case also takes multipart/form-data (the claim's evidence);
        # every other write here stays JSON. (The router sets `action_map`
        # and the Django request before the DRF request is built.)
        request = getattr(self, "request", None)
        method = request.method.lower() if request is not None else ""
        if getattr(self, "action_map", {}).get(method) == "create":
            return [JSONParser(), MultiPartParser()]
        return super().get_parsers()

    @extend_schema(
        summary="Open a case (buyers)",
        description=(
            "JSON, or multipart/form-data with the same fields plus the "
            "evidence the claim comes with (`evidence` files, each with its "
            "`evidence_kind`). Where the policy requires evidence for the "
            "reason (e.g. 生鲜: an unboxing video and a photo of the express "
            "slip), a claim without those kinds answers 400 with an error on "
            "`evidence` and nothing is stored."
        ),
        request={
            "application/json": DisputeOpenSerializer,
            "multipart/form-data": DisputeOpenMultipartSerializer,
        },
        responses={201: DisputeDetailSerializer, **WRITE_ERRORS},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @idempotent
    def create(self, request):
        if role_of(request.user) != Role.BUYER:
            raise ActionNotPermitted(_("Only buyers open cases."))
        multipart = request.content_type.startswith("multipart/")
        shape = DisputeOpenMultipartSerializer if multipart else DisputeOpenSerializer
        form = shape(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        order = visible_orders(request.user).filter(number=data.pop("order")).first()
        if order is None:
            raise NotVisible(_("No such order."))
        items = [(row["item"], row["quantity"]) for row in data.pop("items", [])]
        note = data.pop("evidence_note", "")
        evidence = [
            services.EvidenceFile(file=upload, kind=kind, note=note)
            for upload, kind in zip(
                data.pop("evidence", []), data.pop("evidence_kind", []), strict=True
            )
        ]
        case = services.dispute_open(
            actor=request.user,
            order=order,
            items=items or None,
            evidence=evidence,
            **data,
        )
        return self._case_response(case.number, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Run an action on a case",
        description=(
            "`action_name` is one of the lifecycle actions; each reads the fields "
            f"it needs ({action_fields_text()}). Answers the updated case."
        ),
        request=ActionSerializer,
        responses={200: DisputeDetailSerializer, **WRITE_ERRORS},
        parameters=[NUMBER, ACTION_NAME, IDEMPOTENCY_PARAMETER],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"actions/(?P<action_name>[^/]+)",
        serializer_class=ActionSerializer,
    )
    @idempotent
    def run_action(self, request, number: str, action_name: str):
        name = action_named(action_name)
        if name is None or name not in ACTION_SERIALIZERS:
            raise NotFound(_("No such action."))
        case = visible_case(request.user, number)
        services.check_action(case, request.user, name)
        form = ACTION_SERIALIZERS[name](data=request.data)
        form.is_valid(raise_exception=True)
        services.perform(
            services.action_inputs(name, form.validated_data),
            dispute=case,
            actor=request.user,
            expected_version=form.validated_data.get("version"),
        )
        return self._case_response(number)

    @extend_schema(
        methods=["GET"],
        summary="The case's messages (parties never see internal notes)",
        parameters=[NUMBER],
        responses={200: MessageSerializer(many=True), **READ_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Post a message, or (staff) an internal note",
        parameters=[NUMBER, IDEMPOTENCY_PARAMETER],
        request=MessageSerializer,
        responses={201: MessageSerializer, **WRITE_ERRORS},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=MessageSerializer,
        filterset_class=None,
        pagination_class=None,
    )
    @idempotent
    def messages(self, request, number: str):
        case = visible_case(request.user, number)
        if request.method == "GET":
            rows = selectors.dispute_messages(dispute=case, user=request.user)
            context = {"request": request}
            return Response(MessageSerializer(rows, many=True, context=context).data)
        form = MessageSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        message = services.message_post(
            dispute=case,
            actor=request.user,
            body=form.validated_data["body"],
            internal=form.validated_data.get("internal", False),
        )
        return Response(
            MessageSerializer(message, context={"request": request}).data, status=201
        )

    @extend_schema(
        methods=["GET"],
        summary="The case's evidence files",
        parameters=[NUMBER],
        responses={200: EvidenceSerializer(many=True), **READ_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Upload an evidence file (multipart)",
        parameters=[NUMBER, IDEMPOTENCY_PARAMETER],
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer, **WRITE_ERRORS},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=EvidenceSerializer,
        filterset_class=None,
        pagination_class=None,
        parser_classes=[MultiPartParser],
    )
    @idempotent
    def evidence(self, request, number: str):
        case = visible_case(request.user, number)
        context = {"request": request, "number": case.number}
        if request.method == "GET":
            rows = (
                Evidence.objects.filter(dispute=case)
                .select_related("uploaded_by")
                .order_by("created_at", "id")
            )
            return Response(EvidenceSerializer(rows, many=True, context=context).data)
        form = EvidenceUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        evidence = services.evidence_upload(
            dispute=case, actor=request.user, **form.validated_data
        )
        return Response(EvidenceSerializer(evidence, context=context).data, status=201)

    @extend_schema(
        summary="Download one evidence file (scoped like its case)",
        parameters=[
            NUMBER,
            OpenApiParameter("evidence_id", int, OpenApiParameter.PATH),
        ],
        responses={
            **{
                (200, content_type): OpenApiResponse(OpenApiTypes.BINARY)
                for content_type in ACCEPTED_TYPES
            },
            **READ_ERRORS,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"evidence/(?P<evidence_id>[^/]+)/file",
        filterset_class=None,
        pagination_class=None,
    )
    def evidence_file(self, request, number: str, evidence_id: str):
        case = visible_case(request.user, number)
        evidence = selectors.evidence_of(dispute=case, pk=evidence_id)
        if evidence is None:
            raise NotVisible(_("No such evidence."))
        return evidence_response(evidence)

    @extend_schema(
        summary="The case's timeline: every step with its time and author",
        parameters=[NUMBER],
        responses={200: TimelineEntrySerializer(many=True), **READ_ERRORS},
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def timeline(self, request, number: str):
        case = visible_case(request.user, number)
        events = selectors.dispute_timeline(dispute=case, user=request.user)
        context = {
            "for_party": party_of(request.user, case) is not None,
            "store": case.store,
            "request": request,
        }
        return Response(
            TimelineEntrySerializer(events, many=True, context=context).data
        )

    @extend_schema(
        summary="The decided cases most like this one, and their majority (staff)",
        parameters=[NUMBER],
        responses={200: PrecedentsSerializer, **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def precedents(self, request, number: str):
        case = visible_case(request.user, number)
        if not is_staff_role(request.user):
            raise ActionNotPermitted(_("Precedents are shown to platform staff only."))
        found = precedents_for(case)
        data = {
            "precedents": [
                {
                    "number": p.number,
                    "outcome": p.outcome,
                    "liability": p.liability,
                    "rule": p.rule,
                    "rule_version": p.rule_version,
                    "similarity": p.similarity,
                }
                for p in found.precedents
            ],
            "majority": (
                {"outcome": found.majority.outcome, "share": found.majority.share}
                if found.majority
                else None
            ),
        }
        return Response(PrecedentsSerializer(data).data)


@extend_schema(
    summary="The platform rules in force",
    responses={200: RuleSerializer(many=True), **error_responses(401)},
)
class RuleListView(ListAPIView):
    serializer_class = RuleSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return selectors.rules_in_force()


@extend_schema(
    summary="The carriers a return or replacement may travel with",
    description="Each carrier's code (for `carrier` fields), name, and the "
    "format its tracking numbers must have.",
    responses={200: CarrierSerializer(many=True), **error_responses(401)},
)
class CarrierListView(APIView):
    def get(self, request):
        return Response(CarrierSerializer(carrier_list(), many=True).data)


@extend_schema(
    summary="Report a parcel picked up or delivered (tracking services)",
    description=(
        "For a tracking aggregator's account (an agent or supervisor, or the "
        "`disputes.add_logisticsevent` permission). Idempotent per event "
        "(`event_id`, or carrier + number + status + time): the same event "
        "sent again changes nothing. A delivered return starts the merchant's "
        "48-hour clock to confirm or refuse. An unknown parcel is kept and "
        "answers `matched: false`."
    ),
    request=LogisticsEventSerializer,
    responses={
        201: LogisticsEventResultSerializer,
        200: LogisticsEventResultSerializer,
        **error_responses(400, 401, 403),
    },
)
class LogisticsEventView(APIView):
    parser_classes = [JSONParser]

    def post(self, request):
        user = request.user
        if not (
            is_platform_staff(user) or user.has_perm("disputes.add_logisticsevent")
        ):
            raise ActionNotPermitted(_("Only tracking services report parcels."))
        form = LogisticsEventSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        event, created = services.logistics_event_record(**form.validated_data)
        body = {"created": created, "matched": event.shipment_id is not None}
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(body, status=code)
