from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from disputes.signals import case_event
        from stores.signals import governance_changed

        from .receivers import on_case_event, on_governance_changed

        case_event.connect(on_case_event, dispatch_uid="webhooks.on_case_event")
        governance_changed.connect(
            on_governance_changed, dispatch_uid="webhooks.on_governance_changed"
        )
