"""The vocabulary of a case: states, resolutions, reasons, remedies, outcomes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    NEGOTIATION = "negotiation", _("Negotiation")
    COMPLAINT = "complaint", _("Complaint")
    VERIFICATION = "verification", _("Verification")
    MEDIATION = "mediation", _("Mediation")
    RULED = "ruled", _("Ruled")
    APPEAL = "appeal", _("Appeal")
    RETURNING = "returning", _("Returning goods")
    CLOSED = "closed", _("Closed")


OPEN_STATES = [s for s in State if s != State.CLOSED]


class Resolution(models.TextChoices):
    AGREED = "agreed", _("Agreed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    AUTO_REFUNDED = "auto_refunded", _("Auto-refunded")
    MEDIATED = "mediated", _("Mediated")
    RULED = "ruled", _("Ruled")
    UPHELD = "upheld", _("Upheld on appeal")
    OVERTURNED = "overturned", _("Overturned on appeal")
    RETURN_LAPSED = "return_lapsed", _("Return not sent in time")


class Reason(models.TextChoices):
    QUALITY = "quality", _("Quality problem")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    NOT_RECEIVED = "not_received", _("Not received / logistics")
    DAMAGED = "damaged", _("Damaged")
    MISSING_PARTS = "missing_parts", _("Missing parts")
    COUNTERFEIT = "counterfeit", _("Counterfeit")
    NO_REASON = "no_reason", _("7-day no-reason return")
    RETURN_EXCHANGE = "return_exchange", _("Return or exchange")
    OTHER = "other", _("Other")


class Remedy(models.TextChoices):
    REFUND_ONLY = "refund_only", _("Refund only")
    RETURN_REFUND = "return_refund", _("Return and refund")
    EXCHANGE = "exchange", _("Exchange")
    RESEND = "resend", _("Resend (missing parts)")
    COMPENSATION = "compensation", _("Compensation")


# Kept readable on old cases; no new case opens with it (a remedy, not a reason).
RETIRED_REASONS = frozenset({Reason.RETURN_EXCHANGE})
NEW_CASE_REASONS = [r for r in Reason if r not in RETIRED_REASONS]
# Remedies whose settlement moves goods: the case goes through `returning`.
GOODS_REMEDIES = frozenset({Remedy.RETURN_REFUND, Remedy.EXCHANGE, Remedy.RESEND})
# Remedies whose goods come back to the store first.
RETURN_REMEDIES = frozenset({Remedy.RETURN_REFUND, Remedy.EXCHANGE})
# Remedies that carry no money (the claim has no amount to refund).
NO_AMOUNT_REMEDIES = frozenset({Remedy.EXCHANGE, Remedy.RESEND})
# What a 七天无理由 claim may ask for.
NO_REASON_REMEDIES = frozenset({Remedy.RETURN_REFUND, Remedy.EXCHANGE})


class ReturnStep(models.TextChoices):
    """Where the goods are while a case is `returning`."""

    AWAITING_RETURN = "awaiting_return", _("Waiting for the buyer to send the goods")
    RETURN_IN_TRANSIT = "return_in_transit", _("Returned goods on their way")
    AWAITING_REPLACEMENT = (
        "awaiting_replacement",
        _("Waiting for the store to send the replacement"),
    )
    REPLACEMENT_IN_TRANSIT = (
        "replacement_in_transit",
        _("Replacement on its way"),
    )


class Direction(models.TextChoices):
    """Which way a parcel of a case travels."""

    RETURN = "return", _("Return to the store")
    REPLACEMENT = "replacement", _("Replacement to the buyer")


class ParcelStatus(models.TextChoices):
    """What a tracking service reports about a parcel."""

    IN_TRANSIT = "in_transit", _("In transit")
    DELIVERED = "delivered", _("Delivered")


class Outcome(models.TextChoices):
    BUYER = "buyer", _("Buyer wins")
    MERCHANT = "merchant", _("Merchant wins")


class Liability(models.TextChoices):
    MERCHANT = "merchant", _("Merchant")
    BUYER = "buyer", _("Buyer")
    LOGISTICS = "logistics", _("Logistics")
    NONE = "none", _("None")


class Party(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    MERCHANT = "merchant", _("Merchant")


class MerchantResponse(models.TextChoices):
    NONE = "", _("No response yet")
    ACCEPTED = "accepted", _("Accepted")
    OFFERED = "offered", _("Counter-offered")
    REJECTED = "rejected", _("Rejected")


class DeadlineKind(models.TextChoices):
    MERCHANT_RESPONSE = "merchant_response", _("Merchant response")
    PICKUP = "pickup", _("Pick-up target")
    EVIDENCE = "evidence", _("Evidence deadline")
    RULING = "ruling", _("Ruling target")
    APPEAL_WINDOW = "appeal_window", _("Appeal window")
    APPEAL_REVIEW = "appeal_review", _("Appeal review target")
    RETURN_SHIPMENT = "return_shipment", _("Buyer sends the goods back")
    RETURN_RECEIPT = "return_receipt", _("Store confirms the returned goods")
    REPLACEMENT_SHIPMENT = "replacement_shipment", _("Store sends the replacement")
    REPLACEMENT_RECEIPT = "replacement_receipt", _("Buyer confirms the replacement")


class Channel(models.TextChoices):
    """How a complaint reached customer service when an agent opens the case."""

    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Online chat")
    OTHER = "other", _("Other channel")


class RejectionPreset(models.TextChoices):
    """Common reasons a merchant picks when rejecting (free text may follow)."""

    NO_QUALITY_PROBLEM = "no_quality_problem", _("The goods have no quality problem")
    AS_DESCRIBED = (
        "as_described",
        _("The goods match the description on the product page"),
    )
    SIGNED_BY_BUYER = "signed_by_buyer", _("The parcel was signed for by the buyer")
    RETURN_NOT_RECEIVED = (
        "return_not_received",
        _("The returned goods were not received"),
    )
    USED_OR_DAMAGED = (
        "used_or_damaged",
        _("The goods were used or damaged by the buyer"),
    )
    AMOUNT_TOO_HIGH = "amount_too_high", _("The claimed amount is too high")


class ReturnRefusal(models.TextChoices):
    """Why a merchant refuses returned goods (evidence must back it)."""

    NOT_RECEIVED = "not_received", _("The parcel did not arrive")
    USED = "used", _("The goods were used or damaged")
    SWAPPED = "swapped", _("The goods returned are not the goods sold")
    OTHER = "other", _("Other")


class Decision(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    OVERTURNED = "overturned", _("Overturned")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    TIMED_OUT = "timed_out", _("Timed out")
    CLOSED = "closed", _("Closed with the case")
