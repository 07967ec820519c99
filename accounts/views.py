from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from core.roles import Role, home_of

from .demo import DEFAULT_PASSWORD, KNOWN_ACCOUNTS


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where it works."""
    return redirect(home_of(request.user) or "/accounts/login/")


def demo_accounts() -> list[dict]:
    """The seed_demo accounts (shown on the sign-in page with DEBUG on only)."""
    return [
        {
            "username": username,
            "role": Role(role).label,
            "name": name,
            "password": DEFAULT_PASSWORD,
        }
        for username, role, name in KNOWN_ACCOUNTS
    ]


class LoginView(auth_views.LoginView):
    """One sign-in for everyone; the demo's accounts listed when DEBUG is on."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_accounts"] = demo_accounts() if settings.DEBUG else []
        return context
