"""In production a webhook goes only to https on public addresses; with DEBUG,
http://127.0.0.1 too. Checked at registration and again at every delivery."""

from __future__ import annotations

import socket

import pytest

from disputes import services
from tests import factories as f
from webhooks import services as webhook_services
from webhooks.models import WebhookDelivery
from webhooks.urlsafety import UnsafeURL, url_check

from .conftest import run_tasks

PUBLIC = "93.184.215.14"


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_LOOPBACK = None  # follows DEBUG, as in production


@pytest.fixture
def dns(monkeypatch):
    """dns["name"] = "1.2.3.4" makes `name` resolve there (no network in tests)."""
    table: dict[str, str] = {}
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host in table:
            family = socket.AF_INET6 if ":" in table[host] else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (table[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return table


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",  # plain http and loopback
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://[::1]/hook",
        "https://10.0.0.5/hook",  # private
        "https://172.16.3.4/hook",
        "https://192.168.1.10/hook",
        "https://169.254.169.254/latest/meta-data/",  # link-local (cloud metadata)
        "https://[fe80::1]/hook",
        "https://100.64.0.1/hook",  # shared address space
        "https://0.0.0.0/hook",  # unspecified
        "https://224.0.0.1/hook",  # multicast
        "https://240.0.0.1/hook",  # reserved
        "https://[::ffff:10.0.0.1]/hook",  # private, IPv4-mapped
        "https://user:pw@example.com/hook",  # credentials in the URL
        "ftp://example.com/hook",
        "https:///nohost",
        "https://example.com:99999/hook",
    ],
)
def test_production_refuses(production, url):
    with pytest.raises(UnsafeURL):
        url_check(url)


def test_production_refuses_a_name_that_resolves_to_a_private_address(production, dns):
    dns["intranet.example.com"] = "10.1.2.3"
    with pytest.raises(UnsafeURL, match=r"10\.1\.2\.3"):
        url_check("https://intranet.example.com/hook")


def test_production_refuses_a_name_that_does_not_resolve(production, dns):
    with pytest.raises(UnsafeURL):
        url_check("https://no-such-host.invalid/hook")


def test_production_accepts_https_to_a_public_address(production, dns):
    dns["hooks.example.com"] = PUBLIC
    target = url_check("https://hooks.example.com/in?shop=1")
    assert (target.host, target.port, target.path, target.address) == (
        "hooks.example.com",
        443,
        "/in?shop=1",
        PUBLIC,
    )


def test_debug_allows_http_to_loopback_only(settings):
    settings.DEBUG = True
    settings.WEBHOOK_ALLOW_LOOPBACK = None
    assert url_check("http://127.0.0.1:8000/hook").address == "127.0.0.1"
    with pytest.raises(UnsafeURL):
        url_check("http://10.0.0.5/hook")


@pytest.mark.django_db
def test_registering_a_private_url_is_refused_and_nothing_is_saved(production):
    store = f.StoreFactory()
    with pytest.raises(UnsafeURL):
        webhook_services.endpoint_create(
            actor=store.owner, url="https://192.168.0.1/hook", store_id=store.pk
        )
    assert not store.webhook_endpoints.exists()


@pytest.mark.django_db
def test_dns_rebinding_is_caught_at_delivery(production, dns):
    """The name was public when registered and points inside at delivery time:
    the attempt fails without connecting."""
    dns["shop-hooks.example.com"] = PUBLIC
    story = f.case_in_state("negotiation")
    webhook_services.endpoint_create(
        actor=story.merchant, url="https://shop-hooks.example.com/in"
    )
    dns["shop-hooks.example.com"] = "127.0.0.1"
    services.dispute_accept(dispute=story.case, actor=story.merchant)
    run_tasks()
    [attempt] = WebhookDelivery.objects.get().attempt_log.all()
    assert not attempt.succeeded
    assert attempt.response_code is None
    assert "127.0.0.1" in attempt.error
