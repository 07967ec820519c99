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


class Reason(models.TextChoices):
    QUALITY = "quality", _("Quality problem")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    NOT_RECEIVED = "not_received", _("Not received / logistics")
    DAMAGED = "damaged", _("Damaged")
    MISSING_PARTS = "missing_parts", _("Missing parts")
    COUNTERFEIT = "counterfeit", _("Counterfeit")
    RETURN_EXCHANGE = "return_exchange", _("Return or exchange")
    OTHER = "other", _("Other")


class Remedy(models.TextChoices):
    REFUND_ONLY = "refund_only", _("Refund only")
    RETURN_REFUND = "return_refund", _("Return and refund")
    EXCHANGE = "exchange", _("Exchange")
    COMPENSATION = "compensation", _("Compensation")


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


class Decision(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    OVERTURNED = "overturned", _("Overturned")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    TIMED_OUT = "timed_out", _("Timed out")
    CLOSED = "closed", _("Closed with the case")
