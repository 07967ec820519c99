"""A decision against the precedents' clear majority needs a written reason."""

from __future__ import annotations

from typing import NamedTuple

from django.utils.translation import gettext as _

from core.errors import ValidationFailed

from ..models import Dispute
from ..precedents import precedents_for
from ..rules_pure import Majority, departs


class Departure(NamedTuple):
    """What a ruling or an overturn keeps about the precedents."""

    majority: Majority | None
    reason: str  # blank unless the decision departs

    def fields(self) -> dict[str, object]:
        """The ruling's or the appeal's fields that keep it."""
        found = self.majority
        return {
            "majority_outcome": found.outcome if found else "",
            "majority_share": found.share if found else None,
            "departure_reason": self.reason,
        }


def check_departure(*, case: Dispute, outcome: str, reason: str) -> Departure:
    """The precedents' majority for `case`; a `ValidationFailed` at
    `departure_reason` when `outcome` departs from it and no reason is written."""
    found = precedents_for(case).majority
    text = reason.strip()
    if not departs(found, outcome):
        return Departure(found, "")
    if not text:
        message = _(
            "Most similar cases (%(share)s%%) were decided the other way: write "
            "why this case departs from them."
        ) % {"share": round(found.share * 100) if found else 0}
        raise ValidationFailed(message, errors={"departure_reason": [message]})
    return Departure(found, text)
