"""The sign-in records (django-axes) in the workbench, for supervisors.

They are not a part of the agents' day, so the home page does not list them;
supervisors open them from the header's menu (`templates/admin/base_site.html`).
Columns and filters read in the reader's language (axes' own strings are
translated in our catalogue).
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class OffTheHomePage:
    """Reachable by its address and the menu, never listed on the home page."""

    def has_module_permission(self, request) -> bool:
        return False


for model in (AccessAttempt, AccessFailureLog, AccessLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(AccessAttempt)
class SignInAttemptAdmin(OffTheHomePage, AccessAttemptAdmin):
    list_display = [
        "attempt_time", "ip_address", "username", "path_info",
        "failures_since_start", "lock_status",
    ]  # fmt: skip
    list_filter = ["attempt_time", "path_info"]

    @admin.display(description=gettext_lazy("lock"))
    def lock_status(self, attempt: AccessAttempt) -> str:
        left = axes_settings.AXES_FAILURE_LIMIT - attempt.failures_since_start
        if left > 0:
            return _("%(n)s tries left") % {"n": left}
        return _("Locked out until the cool-off ends")


@admin.register(AccessFailureLog)
class SignInFailureAdmin(OffTheHomePage, AccessFailureLogAdmin):
    pass


@admin.register(AccessLog)
class SignInLogAdmin(OffTheHomePage, AccessLogAdmin):
    pass
