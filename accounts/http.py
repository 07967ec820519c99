"""The request type of views that need a signed-in user."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An `HttpRequest` behind `login_required`: `user` is a real `User`."""

    user: User


def api_user(request: Request) -> User:
    """The signed-in user of an API request (every endpoint asks IsAuthenticated
    first); 401 if there is none, never an AnonymousUser passed on."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    return user
