from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from core.roles import home_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where it works."""
    return redirect(home_of(request.user) or "/accounts/login/")
