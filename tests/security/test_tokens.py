"""API tokens expire, and die on sign-out and on a password change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories as f

pytestmark = pytest.mark.django_db


def signed_in(token: Token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_a_token_older_than_the_lifetime_is_refused_and_a_new_one_issued(settings):
    settings.API_TOKEN_TTL_DAYS = 30
    user = f.buyer()
    user.set_password("pass-2026-x")
    user.save()
    token = Token.objects.create(user=user)
    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - timedelta(days=31)
    )
    assert signed_in(token).get("/api/v1/orders/").status_code == 401
    assert not Token.objects.filter(pk=token.pk).exists()
    fresh = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": "pass-2026-x"}
    )
    assert fresh.status_code == 200
    assert fresh.json()["token"] != token.key


def test_a_token_inside_its_lifetime_works():
    token = Token.objects.create(user=f.buyer())
    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - timedelta(days=29)
    )
    assert signed_in(token).get("/api/v1/orders/").status_code == 200


def test_signing_out_deletes_the_token():
    user = f.buyer()
    token = Token.objects.create(user=user)
    web = Client()
    web.force_login(user)
    web.post("/accounts/logout/")
    assert signed_in(token).get("/api/v1/orders/").status_code == 401


def test_changing_the_password_deletes_the_token():
    user = f.buyer()
    token = Token.objects.create(user=user)
    user.set_password("another-pass-2026")
    user.save()
    assert signed_in(token).get("/api/v1/orders/").status_code == 401


def test_other_saves_of_the_user_keep_the_token():
    user = f.buyer()
    token = Token.objects.create(user=user)
    user.display_name = "新名字"
    user.save()
    assert signed_in(token).get("/api/v1/orders/").status_code == 200
