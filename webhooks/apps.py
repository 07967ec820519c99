from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from disputes.signals import case_event

        from .receivers import on_case_event

        case_event.connect(on_case_event, dispatch_uid="webhooks.on_case_event")
