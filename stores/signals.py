"""What the stores app announces; readers above connect in their ready()."""

from django.dispatch import Signal

# Sent when a governance notice is written (kwargs: notice, action), inside
# the transaction that decided the action.
governance_changed = Signal()
