"""What the webhooks app tells the rest of the platform."""

from django.dispatch import Signal

# Sent inside the transaction that disables an endpoint after its retries ran
# out, with `endpoint` (the WebhookEndpoint). The in-page notification to the
# merchant subscribes here; the app itself e-mails the store owner on commit.
endpoint_disabled = Signal()
