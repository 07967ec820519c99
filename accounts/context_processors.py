from django.http import HttpRequest

from core.roles import role_of


def role(request: HttpRequest) -> dict:
    """Expose the signed-in user's role to every template."""
    return {"user_role": role_of(getattr(request, "user", None))}
