from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .models import Role
from .roles import role_of

HOMES = {
    Role.BUYER: "/disputes/",
    Role.MERCHANT: "/disputes/",
    Role.AGENT: "/admin/",
    Role.SUPERVISOR: "/admin/",
    Role.MANAGER: "/reports/",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where it works."""
    return redirect(HOMES.get(role_of(request.user), "/accounts/login/"))
