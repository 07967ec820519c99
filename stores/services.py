"""Store review: every status change goes through store_review."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from accounts.models import User
from core.errors import ActionNotPermitted, InvalidTransition, ValidationFailed
from core.roles import is_platform_staff

from .models import Store, StoreReviewLog, Tier

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
