"""E-mail one notification to its recipient, in the recipient's language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from disputes.disclosure import buyer_name

from .models import Notification
from .selectors import case_path_for
from .wording import kind_label


def notification_mail_send(*, notification_id: int) -> bool:
    """Send the notification's mail once; False when already sent (or gone).

    The row is claimed (`emailed_at` set) before sending and released when
    sending fails, so two workers never both send it and a failure retries.
    """
    claimed = Notification.objects.filter(
        pk=notification_id, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    try:
        notification = Notification.objects.select_related(
            "recipient", "case__store", "case__buyer", "event__actor"
        ).get(pk=notification_id)
        notification_mail(notification).send()
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


def notification_mail(notification: Notification) -> EmailMultiAlternatives:
    """The message (plain text and HTML) in the recipient's language."""
    user = notification.recipient
    # Only a case's news is mailed from here (a store's notice mails itself).
    assert notification.case is not None
    with translation.override(user.language or settings.LANGUAGE_CODE):
        what = kind_label(notification.kind)
        subject = _("Case %(number)s: %(what)s") % {
            "number": notification.case.number,
            "what": what,
        }
        context = {
            "user": user,
            "case": notification.case,
            "buyer_name": buyer_name(notification.case.buyer, reader=user),
            "event": notification.event,
            "what": what,
            "url": settings.SITE_URL + case_path_for(user, notification.case),
            "settings_url": settings.SITE_URL + "/notifications/settings/",
        }
        text = render_to_string("notifications/email/case_event.txt", context)
        html = render_to_string("notifications/email/case_event.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(html, "text/html")
    return message
