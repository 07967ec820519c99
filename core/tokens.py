"""API tokens that expire, and die with the session that signs out or the
password that changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def token_expired(token: Token, *, now: datetime | None = None) -> bool:
    """Whether the token is older than API_TOKEN_TTL_DAYS."""
    now = now or timezone.now()
    return bool(token.created < now - timedelta(days=settings.API_TOKEN_TTL_DAYS))


def token_for(user: Any) -> Token:
    """The user's live token: the current one, or a new one if it expired."""
    token, created = Token.objects.get_or_create(user=user)
    if not created and token_expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token …`, refused once the token is past its lifetime."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(
                _("The token has expired; ask for a new one.")
            )
        return user, token


@receiver(user_logged_out)
def _forget_tokens_on_logout(
    sender: Any, request: Any, user: Any, **kwargs: Any
) -> None:
    if user is not None:
        Token.objects.filter(user=user).delete()


@receiver(post_save, sender=get_user_model())
def _forget_tokens_on_password_change(
    sender: Any, instance: Any, created: bool, **kwargs: Any
) -> None:
    # AbstractBaseUser keeps the new raw password in `_password` from
    # set_password() until the save that stores it (this one) has finished.
    if not created and getattr(instance, "_password", None) is not None:
        Token.objects.filter(user=instance).delete()
