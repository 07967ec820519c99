"""What the case endpoints read and write; writes go through the services."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from accounts.models import User
from core.api import (
    StrictBooleanField,
    StrictCharField,
    StrictDecimalField,
    StrictIntegerField,
    StrictModelSerializer,
)
from core.roles import Role
from disputes import selectors
from disputes.actions import (
    ACTIONS,
    ACTOR_ROLE_CHOICES,
    USER_ACTIONS,
    Action,
    ActionName,
    Field,
    FieldType,
)
from disputes.choices import (
    DeadlineKind,
    Decision,
    Liability,
    Outcome,
    ParcelStatus,
    Party,
    Reason,
    Remedy,
    Resolution,
    ReturnStep,
    State,
)
from disputes.disclosure import buyer_name, party_note, shown_name
from disputes.forms import MAX_FILES
from disputes.models import (
    Appeal,
    ClaimedItem,
    Dispute,
    DisputeEvent,
    Evidence,
    EvidenceRequest,
    Message,
    PlatformRule,
    Ruling,
    Shipment,
)
from disputes.models.policy import EVIDENCE_KINDS
from disputes.policy import DESCRIPTION_REQUIRED
from disputes.rules_pure import EVIDENCE_DESCRIPTION_MAX
from disputes.services import available_actions
from orders.carriers import Carrier

from .fastpath_read import LeanReadMixin

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class RulingSerializer(LeanReadMixin, serializers.ModelSerializer):
    rule = serializers.CharField(source="rule.code", read_only=True)
    rule_version = serializers.IntegerField(source="rule.version", read_only=True)

    class Meta:
        model = Ruling
        fields = [
            "outcome",
            "liability",
            "amount",
            "compensation_amount",
            "remedy",
            "rule",
            "rule_version",
            "reasoning",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


def blank_choice(choices) -> serializers.ChoiceField:
    """A read-only choice that is "" until it is set."""
    return serializers.ChoiceField(choices=choices, allow_blank=True, read_only=True)


class AppealSerializer(LeanReadMixin, serializers.ModelSerializer):
    decision = blank_choice(Decision.choices)
    outcome = blank_choice(Outcome.choices)
    liability = blank_choice(Liability.choices)
    rule = serializers.CharField(source="rule.code", read_only=True, allow_null=True)
    rule_version = serializers.IntegerField(
        source="rule.version", read_only=True, allow_null=True
    )

    class Meta:
        model = Appeal
        fields = [
            "party",
            "reason",
            "filed_at",
            "decision",
            "outcome",
            "liability",
            "amount",
            "compensation_amount",
            "buyer_compensation_amount",
            "rule",
            "rule_version",
            "reasoning",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class DisputeSerializer(LeanReadMixin, serializers.ModelSerializer):
    """A case as every endpoint returns it."""

    order = serializers.CharField(source="order.number", read_only=True)
    store_name = serializers.CharField(source="store.name", read_only=True)
    buyer = serializers.SerializerMethodField()
    assigned_to = serializers.CharField(
        source="assigned_to.username", read_only=True, allow_null=True
    )
    deadline = serializers.DateTimeField(
        source="deadline_at", read_only=True, allow_null=True
    )
    resolution = blank_choice(Resolution.choices)
    outcome = blank_choice(Outcome.choices)
    liability = blank_choice(Liability.choices)
    deadline_kind = blank_choice(DeadlineKind.choices)
    return_step = blank_choice(ReturnStep.choices)
    # Reverse one-to-ones: absent raises an AttributeError subclass -> null.
    ruling = RulingSerializer(read_only=True, allow_null=True)
    appeal = AppealSerializer(source="appeal_record", read_only=True, allow_null=True)
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Dispute
        fields = [
            "number",
            "order",
            "store",
            "store_name",
            "buyer",
            "state",
            "resolution",
            "reason",
            "remedy",
            "amount",
            "description",
            "refunded_amount",
            "offer_amount",
            "offer_note",
            "rejection_reason",
            "proposal_amount",
            "proposal_note",
            "outcome",
            "liability",
            "assigned_to",
            "opened_at",
            "intervened_at",
            "closed_at",
            "deadline",
            "deadline_kind",
            "return_step",
            "held_amount",
            "version",
            "ruling",
            "appeal",
            "available_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, case: Dispute) -> list[str]:
        user = self.context["request"].user
        return [name.value for name in available_actions(case, user)]

    @extend_schema_field(serializers.CharField())
    def get_buyer(self, case: Dispute) -> str:
        """The buyer's login; merchants read the masked name (张**)."""
        return buyer_name(case.buyer, reader=reader_of(self.context), login=True)


def reader_of(context: Mapping[str, Any]) -> Any:
    """Who reads the answer: the request's user, or the store owner a webhook
    is written for (`context["user"]`)."""
    if "user" in context:
        return context["user"]
    request = context.get("request")
    return request.user if request is not None else None


class ShipmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Shipment
        fields = [
            "direction",
            "carrier",
            "tracking_number",
            "shipped_at",
            "in_transit_at",
            "delivered_at",
        ]
        read_only_fields = fields


class ClaimedItemSerializer(serializers.ModelSerializer):
    item = serializers.IntegerField(source="order_item_id", read_only=True)
    product_name = serializers.CharField(
        source="order_item.product_name", read_only=True
    )
    unit_price = serializers.DecimalField(
        source="order_item.unit_price", read_only=True, **MONEY
    )

    class Meta:
        model = ClaimedItem
        fields = ["item", "product_name", "quantity", "unit_price"]
        read_only_fields = fields


class ReturnAddressSerializer(serializers.Serializer):
    recipient = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    province = serializers.CharField(read_only=True)
    city = serializers.CharField(read_only=True)
    district = serializers.CharField(read_only=True)
    line = serializers.CharField(read_only=True)


class DisputeDetailSerializer(DisputeSerializer):
    """One case (GET one, and the answer of every write): the list row, and
    the goods — the parcels, the claimed items, and the store's return
    address once a return is agreed."""

    shipments = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()
    return_address = serializers.SerializerMethodField()

    class Meta(DisputeSerializer.Meta):
        fields = [
            *DisputeSerializer.Meta.fields,
            "shipments",
            "items",
            "return_address",
        ]
        read_only_fields = fields

    @extend_schema_field(ShipmentSerializer(many=True))
    def get_shipments(self, case: Dispute) -> list[dict[str, Any]]:
        rows = selectors.dispute_shipments(dispute=case)
        return list(ShipmentSerializer(rows, many=True).data)

    @extend_schema_field(ClaimedItemSerializer(many=True))
    def get_items(self, case: Dispute) -> list[dict[str, Any]]:
        rows = selectors.dispute_claimed_items(dispute=case)
        return list(ClaimedItemSerializer(rows, many=True).data)

    @extend_schema_field(ReturnAddressSerializer(allow_null=True))
    def get_return_address(self, case: Dispute) -> dict[str, Any] | None:
        address = selectors.return_address_for(case)
        if address is None:
            return None
        return dict(ReturnAddressSerializer(address).data)


class ClaimedItemInputSerializer(serializers.Serializer):
    item = StrictIntegerField(min_value=1, help_text="An order item's id.")
    quantity = StrictIntegerField(min_value=1)


class DisputeOpenSerializer(serializers.Serializer):
    order = StrictCharField(max_length=32, help_text="The order number.")
    reason = serializers.ChoiceField(choices=Reason.choices)
    remedy = serializers.ChoiceField(choices=Remedy.choices)
    amount = StrictDecimalField(
        min_value=Decimal("0.00"),
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "More than zero; zero or absent for an exchange (and may be for a "
            "resend). At most the price of the `items` named."
        ),
        **MONEY,
    )
    items = ClaimedItemInputSerializer(
        many=True,
        required=False,
        help_text="The order items (and quantities) the claim is about; absent: "
        "the whole order.",
    )
    description = StrictCharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "What happened. Required (not blank) when `reason` is one of "
            f"{', '.join(sorted(DESCRIPTION_REQUIRED))}: without it the case "
            "answers 400 with an error on `description`."
        ),
    )


@extend_schema_field(OpenApiTypes.STR)
class ClaimedItemsTextField(serializers.Field):
    """The claimed items as JSON text: a multipart form has no nested lists."""

    default_error_messages = {
        "json": _('Send the items as a JSON list of "item" and "quantity" pairs.')
    }

    def to_internal_value(self, data: Any) -> list[dict[str, int]]:
        try:
            rows = json.loads(data) if isinstance(data, str) else None
        except ValueError:
            rows = None
        if not isinstance(rows, list):
            self.fail("json")
        rows_in = ClaimedItemInputSerializer(data=rows, many=True)
        if not rows_in.is_valid():
            raise serializers.ValidationError(rows_in.errors)
        return list(rows_in.validated_data)

    def to_representation(self, value: Any) -> str:
        return json.dumps(value)


class DisputeOpenMultipartSerializer(DisputeOpenSerializer):
    """The same claim as multipart/form-data, with the evidence that comes
    with it: repeated `evidence` files, each with its `evidence_kind` (in
    the same order)."""

    items = ClaimedItemsTextField(  # type: ignore[assignment]  # the same field, as text
        required=False,
        help_text='The claimed items as JSON text, e.g. [{"item": 12, '
        '"quantity": 1}]; absent: the whole order.',
    )
    evidence = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=MAX_FILES,
        help_text=f"Up to {MAX_FILES} files (JPEG, PNG, GIF, WebP, PDF or MP4), "
        "sent as repeated `evidence` parts.",
    )
    evidence_kind = serializers.ListField(
        child=serializers.ChoiceField(choices=list(EVIDENCE_KINDS)),
        required=False,
        help_text="What each `evidence` file shows, one per file in the same "
        "order: photo, video (the unboxing video) or express_slip (a photo of "
        "the express slip). A file's content must agree with its kind.",
    )
    evidence_note = StrictCharField(
        max_length=EVIDENCE_DESCRIPTION_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="About the files (kept with each of them).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        files = attrs.get("evidence") or []
        kinds = attrs.get("evidence_kind") or []
        if len(kinds) != len(files):
            raise serializers.ValidationError(
                {"evidence_kind": [_("Give one kind per file, in the files' order.")]}
            )
        return attrs


class HandlerField(StrictCharField):
    """An agent or supervisor named by username or id, parsed into the User."""

    default_error_messages = {"unknown": _("Choose an active agent or supervisor.")}

    def run_validation(self, data: Any = empty) -> User | None:
        text = super().run_validation(data)
        if not text:
            return None
        lookup = {"pk": text} if text.isdigit() else {"username": text}
        user = selectors.active_handlers().filter(**lookup).first()
        if user is None:
            self.fail("unknown")
        return user


class RuleCodeField(StrictCharField):
    """A platform rule code, parsed into the version in force."""

    default_error_messages = {"unknown": _("Unknown rule “%(code)s”.")}

    def run_validation(self, data: Any = empty) -> PlatformRule | None:
        code = super().run_validation(data)
        if code in (None, ""):
            return None
        rule = selectors.rules_in_force().filter(code=code).first()
        if rule is None:
            raise serializers.ValidationError(
                self.error_messages["unknown"] % {"code": code}, code="unknown"
            )
        return rule


def api_field(spec: Field, *, required: bool | None = None) -> serializers.Field:
    """The serializer field that parses one registry input into its domain type."""
    required = spec.required if required is None else required
    common: dict[str, Any] = {"required": required}
    if spec.help_text:
        common["help_text"] = spec.help_text  # lazy: the reader's language
    if spec.kind is FieldType.AMOUNT:
        return StrictDecimalField(
            min_value=Decimal("0.01"), allow_null=not required, **MONEY, **common
        )
    if spec.kind is FieldType.TEXT:
        return StrictCharField(
            max_length=spec.max_length, allow_blank=not required, **common
        )
    if spec.kind is FieldType.CHOICE:
        assert spec.choices is not None
        return serializers.ChoiceField(choices=spec.choices.choices, **common)
    if spec.kind is FieldType.USER:
        return HandlerField(
            max_length=150, allow_blank=not required, allow_null=not required, **common
        )
    if spec.kind is FieldType.FLAG:
        return serializers.BooleanField(**{**common, "required": False})
    if spec.kind is FieldType.DATETIME:
        return serializers.DateTimeField(allow_null=not required, **common)
    return RuleCodeField(
        max_length=32, help_text="A platform rule code.", required=required
    )


def version_field() -> serializers.Field:
    return StrictIntegerField(
        min_value=1,
        required=False,
        help_text="The case version you saw; 409 if it changed since.",
    )


def action_serializer(action: Action) -> type[serializers.Serializer]:
    """The request body of one action: its registry fields and `version`."""
    name = "".join(part.title() for part in action.name.split("_")) + "Serializer"
    fields = {spec.name: api_field(spec) for spec in action.fields}
    return type(name, (serializers.Serializer,), {**fields, "version": version_field()})


def _union_fields() -> dict[str, serializers.Field]:
    specs: dict[str, Field] = {}
    for action in ACTIONS.values():
        for spec in action.fields:
            specs.setdefault(spec.name, spec)
    return {name: api_field(spec, required=False) for name, spec in specs.items()}


# The request body of `POST .../actions/{action}/` as the schema shows it: every
# field any action reads (each action validates its own with ACTION_SERIALIZERS).
ActionSerializer = type(
    "ActionSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "The fields any action may take; each action reads its own.",
        **_union_fields(),
        "version": version_field(),
    },
)
ACTION_SERIALIZERS: dict[ActionName, type[serializers.Serializer]] = {
    name: action_serializer(ACTIONS[name]) for name in USER_ACTIONS
}


class MessageSerializer(StrictModelSerializer):
    author = serializers.SerializerMethodField()
    internal = StrictBooleanField(
        required=False,
        default=False,
        help_text="Staff only: a note parties never see.",
    )

    class Meta:
        model = Message
        fields = ["id", "author", "author_role", "body", "internal", "created_at"]
        read_only_fields = ["id", "author", "author_role", "created_at"]
        extra_kwargs = {
            "body": {"max_length": 5000},
        }

    @extend_schema_field(serializers.CharField())
    def get_author(self, message: Message) -> str:
        """The author's login; merchants read a buyer's masked name (张**)."""
        if message.author_role == Role.BUYER:
            return buyer_name(
                message.author, reader=reader_of(self.context), login=True
            )
        return message.author.username


class EvidenceSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "uploaded_by",
            "party",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "description",
            "created_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_uploaded_by(self, evidence: Evidence) -> str:
        """The uploader's login; merchants read a buyer's masked name (张**)."""
        if evidence.party == Party.BUYER:
            return buyer_name(
                evidence.uploaded_by, reader=reader_of(self.context), login=True
            )
        return evidence.uploaded_by.username

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, evidence: Evidence) -> str:
        number = self.context.get("number") or evidence.dispute.number
        path = f"/api/v1/disputes/{number}/evidence/{evidence.pk}/file/"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG, PNG, GIF, WebP, PDF or MP4.")
    description = StrictCharField(
        max_length=EVIDENCE_DESCRIPTION_MAX,
        required=False,
        allow_blank=True,
        default="",
    )


class EvidenceRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceRequest
        fields = ["id", "party", "what", "due_at", "status", "closed_at"]
        read_only_fields = fields


class TimelineEntrySerializer(serializers.ModelSerializer):
    """Parties read agents by staff number ("客服 1024"), never their login."""

    actor = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()
    evidence_request = EvidenceRequestSerializer(read_only=True, allow_null=True)
    # "" where there is none: the opening entry has no from-state.
    actor_role = blank_choice(ACTOR_ROLE_CHOICES)
    from_state = blank_choice(State.choices)
    to_state = blank_choice(State.choices)

    class Meta:
        model = DisputeEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_role",
            "action",
            "from_state",
            "to_state",
            "note",
            "amount",
            "internal",
            "message",
            "evidence",
            "evidence_request",
        ]
        read_only_fields = fields

    def get_note(self, event: DisputeEvent) -> str:
        return party_note(event, for_party=self.context.get("for_party", True))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, event: DisputeEvent) -> str | None:
        if event.actor is None:
            return None
        if not self.context.get("for_party", True):
            return event.actor.username
        return shown_name(
            event.actor,
            event.actor_role,
            for_party=True,
            reader=reader_of(self.context),
            store=self.context.get("store"),
        )


class RuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlatformRule
        fields = ["code", "version", "title", "text", "effective_from"]
        read_only_fields = fields


class PrecedentSerializer(serializers.Serializer):
    """One decided case like this one (`disputes.precedents.Precedent`)."""

    number = serializers.CharField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    liability = serializers.ChoiceField(choices=Liability.choices)
    rule = serializers.CharField(help_text="The cited rule's code.")
    rule_version = serializers.IntegerField()
    similarity = serializers.DecimalField(
        max_digits=4,
        decimal_places=3,
        coerce_to_string=False,
        help_text="0..1; same reason and category rank first.",
    )


class MajoritySerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    share = serializers.DecimalField(
        max_digits=4, decimal_places=3, coerce_to_string=False
    )


class PrecedentsSerializer(serializers.Serializer):
    precedents = PrecedentSerializer(many=True)
    majority = MajoritySerializer(
        allow_null=True,
        help_text=(
            "The clear majority of the similar cases of the same reason (at least "
            "5, two thirds agreeing), or null."
        ),
    )


class CarrierSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    pattern = serializers.CharField(
        read_only=True, help_text="The tracking number's format (a regex)."
    )
    example = serializers.CharField(read_only=True)


class LogisticsEventSerializer(serializers.Serializer):
    """A tracking service's report about a parcel."""

    carrier = serializers.ChoiceField(choices=Carrier.choices)
    tracking_number = StrictCharField(max_length=40)
    status = serializers.ChoiceField(choices=ParcelStatus.choices)
    at = serializers.DateTimeField()
    event_id = StrictCharField(
        max_length=120,
        required=False,
        allow_blank=True,
        default="",
        help_text="The service's id of the event; absent: carrier, number, "
        "status and time identify it. The same event sent again changes nothing.",
    )


class LogisticsEventResultSerializer(serializers.Serializer):
    created = serializers.BooleanField(
        help_text="False when this event had been received before."
    )
    matched = serializers.BooleanField(
        help_text="Whether the parcel belongs to a case's shipment."
    )
