from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Plumbing every app shares: errors, API helpers, idempotency storage."""

    name = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from . import tokens  # noqa: F401  (signal receivers)
