"""Store review: every status change goes through store_review."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from accounts.models import User
from core.errors import ActionNotPermitted, InvalidTransition, ValidationFailed
from core.roles import is_platform_staff

from .models import PROVINCES, Store, StoreReviewLog, Tier
from .scoping import store_ids_for
from .selectors import RETURN_ADDRESS_FIELDS

# The review actions (each a django-fsm transition on Store) and their labels.
REVIEW_LABELS = {
    "approve": gettext_lazy("Approve"),
    "suspend": gettext_lazy("Suspend"),
    "reinstate": gettext_lazy("Reinstate"),
    "delist": gettext_lazy("Delist"),
}
REVIEW_ACTIONS = tuple(REVIEW_LABELS)
REVIEW_TIERS = {
    "suspend": Tier.SUSPENDED,
    "delist": Tier.DELISTED,
    "reinstate": Tier.GOOD,
}
# What the workbench says once a review action worked (one sentence each).
REVIEW_DONE = {
    "approve": gettext_lazy("%(store)s is approved and may trade."),
    "suspend": gettext_lazy("%(store)s is suspended."),
    "reinstate": gettext_lazy("%(store)s is reinstated and may trade again."),
    "delist": gettext_lazy("%(store)s is delisted."),
}


def store_review_actions(store: Store) -> list[str]:
    """The review actions the store's current status allows (read from the fsm)."""
    return [name for name in REVIEW_ACTIONS if can_proceed(getattr(store, name))]


@transaction.atomic
def store_review(*, store: Store, actor: User, action: str, reason: str) -> Store:
    """Run one review action (approve, suspend, reinstate, delist) with a reason."""
    if action not in REVIEW_ACTIONS:
        raise ValidationFailed(_("Unknown store action."), errors={"action": action})
    if not is_platform_staff(actor):
        raise ActionNotPermitted(_("Only agents and supervisors review stores."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("A reason is required."), errors={"reason": [_("Required.")]}
        )
    locked: Store = Store.objects.select_for_update().get(pk=store.pk)
    method = getattr(locked, action)
    if not can_proceed(method):
        raise InvalidTransition(
            _("“%(action)s” is not possible for a store that is %(status)s.")
            % {"status": locked.get_status_display(), "action": REVIEW_LABELS[action]}
        )
    before = locked.status
    method()
    locked.status_reason = reason
    locked.status_changed_at = timezone.now()
    # The governance tier goes with the status (one definition of a store
    # in trouble); a reinstated store starts again from good.
    locked.tier = REVIEW_TIERS.get(action, locked.tier)
    locked.save(update_fields=["status", "status_reason", "status_changed_at", "tier"])
    StoreReviewLog.objects.create(
        store=locked,
        actor=actor,
        action=action,
        from_status=before,
        to_status=locked.status,
        reason=reason,
    )
    return locked


# ---- return address (goods as well as money) ----

_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|400-?\d{3}-?\d{4})$")
_REQUIRED = {
    "return_recipient",
    "return_phone",
    "return_province",
    "return_city",
    "return_address_line",
}


def return_address_errors(values: dict[str, str]) -> dict[str, list[str]]:
    """Field errors of a return address (empty when it may be saved)."""
    errors: dict[str, list[str]] = {}
    for name in RETURN_ADDRESS_FIELDS:
        value = (values.get(name) or "").strip()
        if name in _REQUIRED and not value:
            errors[name] = [_("Required.")]
    phone = (values.get("return_phone") or "").strip().replace(" ", "")
    if phone and not _PHONE.match(phone):
        errors["return_phone"] = [
            _("Enter a mobile number (11 digits) or a landline with its area code.")
        ]
    province = (values.get("return_province") or "").strip()
    if province and province not in PROVINCES:
        errors["return_province"] = [_("Choose a province from the list.")]
    return errors


def can_edit_return_address(user: User, store: Store) -> bool:
    """The store's owner and staff, and platform staff (agents, supervisors)."""
    if is_platform_staff(user):
        return True
    return store.pk in store_ids_for(user)


@transaction.atomic
def store_return_address_set(*, store: Store, actor: User, **values: str) -> Store:
    """Save a store's return address: all parts at once, checked, one transaction."""
    if not can_edit_return_address(actor, store):
        raise ActionNotPermitted(
            _(
                "Only the store's own merchants and the platform edit its "
                "return address."
            )
        )
    cleaned = {name: (values.get(name) or "").strip() for name in RETURN_ADDRESS_FIELDS}
    cleaned["return_phone"] = cleaned["return_phone"].replace(" ", "")
    if errors := return_address_errors(cleaned):
        raise ValidationFailed(_("Check the return address."), errors=errors)
    locked: Store = Store.objects.select_for_update().get(pk=store.pk)
    for name, value in cleaned.items():
        setattr(locked, name, value)
    locked.return_address_updated_at = timezone.now()
    locked.save(update_fields=[*RETURN_ADDRESS_FIELDS, "return_address_updated_at"])
    return locked
