from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from disputes.signals import case_event

        from . import receivers

        case_event.connect(receivers.fan_out_on_commit, dispatch_uid="notifications")
