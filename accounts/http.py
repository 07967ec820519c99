"""The request type of views that need a signed-in user."""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An `HttpRequest` behind `login_required`: `user` is a real `User`."""

    user: User
