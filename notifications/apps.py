from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from disputes.signals import case_event
        from stores.signals import (
            contest_decided,
            governance_changed,
            store_health_seen,
        )

        from . import receivers

        case_event.connect(receivers.fan_out_on_commit, dispatch_uid="notifications")
        governance_changed.connect(
            receivers.store_news_on_notice, dispatch_uid="notifications"
        )
        contest_decided.connect(
            receivers.store_news_on_contest, dispatch_uid="notifications"
        )
        store_health_seen.connect(
            receivers.store_news_read, dispatch_uid="notifications"
        )
