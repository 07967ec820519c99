"""In production a webhook goes only to https on public addresses; with DEBUG,
http://127.0.0.1 too. Checked at registration and again at every delivery."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from django.utils import translation

from disputes import services
from tests import factories as f
from webhooks import services as webhook_services
from webhooks.models import WebhookDelivery
from webhooks.urlsafety import UnsafeURL, is_public, url_check

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


@pytest.fixture
def english():
    """The messages below are matched in English, whatever ran before."""
    with translation.override("en"):
        yield


# Addresses that wrap another: judged by where a packet really goes.
EMBEDDED = [
    # (address, public?, what it is)
    ("2002:7f00:1::", False, "6to4 wrapping 127.0.0.1"),
    ("2002:a9fe:a9fe::1", False, "6to4 wrapping 169.254.169.254 (cloud metadata)"),
    ("2002:0a00:0001::", False, "6to4 wrapping 10.0.0.1"),
    ("2002:5db8:d70e::1", True, "6to4 wrapping a public 93.184.215.14"),
    ("::ffff:127.0.0.1", False, "IPv4-mapped loopback"),
    ("::ffff:169.254.169.254", False, "IPv4-mapped metadata"),
    ("::ffff:93.184.215.14", True, "IPv4-mapped public"),
    ("::127.0.0.1", False, "IPv4-compatible (obsolete)"),
    ("::93.184.215.14", False, "IPv4-compatible, even public"),
    ("::ffff:0:127.0.0.1", False, "IPv4-translated loopback"),
    ("64:ff9b::127.0.0.1", False, "NAT64 wrapping loopback"),
    ("64:ff9b::169.254.169.254", False, "NAT64 wrapping metadata"),
    ("64:ff9b::93.184.215.14", True, "NAT64 wrapping a public address"),
    ("64:ff9b:1::7f00:1", False, "local-use NAT64"),
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", False, "Teredo to 127.0.0.1"),
    ("2001:0:5db8:d70e::1", False, "Teredo, whatever it wraps"),
    ("2606:4700::1111", True, "plain public IPv6"),
]


@pytest.mark.parametrize(
    ("address", "public"),
    [row[:2] for row in EMBEDDED],
    ids=[row[2] for row in EMBEDDED],
)
def test_embedded_addresses_are_judged_by_what_they_wrap(address, public):
    assert is_public(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    "address",
    [row[0] for row in EMBEDDED if not row[1]],
    ids=[row[2] for row in EMBEDDED if not row[1]],
)
def test_production_refuses_a_literal_or_a_name_that_wraps_an_inside_address(
    production, dns, english, address
):
    with pytest.raises(UnsafeURL, match="public internet addresses"):
        url_check(f"https://[{address}]/hook")
    dns["tunnel.example.com"] = address
    with pytest.raises(UnsafeURL, match="public internet addresses"):
        url_check("https://tunnel.example.com/hook")


@pytest.mark.parametrize(
    "host",
    [
        "2130706433",  # 127.0.0.1 as one decimal number
        "0x7f000001",  # … in hex
        "017700000001",  # … in octal
        "0177.0.0.1",  # octal octet
        "0x7f.0.0.1",  # hex octet
        "127.1",  # short form
        "2852039166",  # 169.254.169.254
        "1572394766",  # 93.184.215.14: public, but not written plainly
        "example.0x10",
    ],
)
def test_an_ip_address_must_be_four_decimal_numbers(
    production, settings, english, host
):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    with pytest.raises(UnsafeURL, match="four decimal numbers"):
        url_check(f"https://{host}/hook")


def test_names_that_merely_contain_numbers_are_names(production, dns):
    dns["shop1.example.com"] = PUBLIC
    dns["123.example.com"] = PUBLIC
    assert url_check("https://shop1.example.com/").address == PUBLIC
    assert url_check("https://123.example.com/").address == PUBLIC
    assert url_check(f"https://{PUBLIC}/").address == PUBLIC


def test_the_numeric_address_message_is_in_chinese_too(production):
    with translation.override("zh-hans"), pytest.raises(UnsafeURL) as refused:
        url_check("https://2130706433/hook")
    assert refused.value.errors == {
        "url": ["IP 地址请写成四个十进制数，例如 203.0.113.5。"]
    }
