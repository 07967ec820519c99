from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in; the role is the user's group."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="zh-hans",
        help_text=_("E-mail about your cases is written in this language."),
    )
    email_updates = models.BooleanField(
        _("e-mail every update"),
        default=True,
        help_text=_(
            "Also e-mail messages, evidence and other news that need nothing "
            "from you. Decisions, deadlines and requests are always e-mailed."
        ),
    )
    staff_number = models.CharField(
        _("staff number"),
        max_length=16,
        blank=True,
        help_text=_("Platform staff only: buyers and merchants see “Agent 1024”."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def public_name(self) -> str:
        """How buyers and merchants see this user: staff by number, never login."""
        if not self.is_staff:
            return str(self)
        if self.staff_number:
            return _("Agent %(number)s") % {"number": self.staff_number}
        return str(_("Platform agent"))
