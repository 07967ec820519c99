"""What the stores app announces; readers above connect in their ready()."""

from django.dispatch import Signal

# Sent when a governance notice is written (kwargs: notice, action), inside
# the transaction that decided the action.
governance_changed = Signal()

# A supervisor decided a merchant's contest of a case's counting in the
# store's score (reports.contests sends it with `contest`, `store`, `uphold`).
contest_decided = Signal()

# A merchant opened a store's health page (`user`, `store`): its governance
# news so far is read (the notifications app listens).
store_health_seen = Signal()
