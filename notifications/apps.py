from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from disputes.signals import case_event
        from stores.signals import governance_changed

        from . import receivers

        case_event.connect(receivers.fan_out_on_commit, dispatch_uid="notifications")
        governance_changed.connect(
            receivers.store_news_on_notice, dispatch_uid="notifications"
        )
