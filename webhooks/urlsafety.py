"""Where a webhook may point: `https` to public addresses only.

A webhook must not become a way into the platform's own network, so every
address the host resolves to must be public: no loopback, private,
link-local, shared, reserved, multicast or unspecified address, nor an IPv6
address that wraps one (IPv4-mapped, 6to4, NAT64 are judged by the IPv4
address inside; Teredo and IPv4-compatible addresses are refused outright),
and an IPv4 address must be written as four decimal numbers. The check runs
when an endpoint is registered and again before every delivery, and the
delivery connects to the address that passed (DNS rebinding cannot slip in
between).
With `WEBHOOK_ALLOW_LOOPBACK` (default: DEBUG), `http://127.0.0.1` (and
`localhost`, `[::1]`) are allowed too, for trying webhooks out on a laptop.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import ValidationFailed

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
TEREDO = ipaddress.IPv6Network("2001::/32")
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
# A host whose last label is a number is an IPv4 address to browsers and to
# the resolver ("2130706433", "0x7f.1", "0177.0.0.1" are all 127.0.0.1).
_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")


class UnsafeURL(ValidationFailed):
    """The URL is not one a webhook may be sent to."""

    code = "unsafe_url"

    def __init__(self, message: str) -> None:
        super().__init__(message, errors={"url": [message]})


@dataclass(frozen=True)
class Target:
    """A checked URL and the address to connect to."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def loopback_allowed() -> bool:
    allowed = getattr(settings, "WEBHOOK_ALLOW_LOOPBACK", None)
    return settings.DEBUG if allowed is None else bool(allowed)


def wrapped_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for or tunnels to: IPv4-mapped
    (::ffff:a.b.c.d), 6to4 (2002:AABB:CCDD::/48) or NAT64 (64:ff9b::a.b.c.d)."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip: IPAddress) -> bool:
    """An address on the public internet; an IPv6 address that wraps an IPv4
    one is judged by the IPv4 address (6to4 to 127.0.0.1 is loopback)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in TEREDO or ip in IPV4_COMPATIBLE:
            return False  # a tunnel whose far end we cannot judge, or obsolete
        wrapped = wrapped_ipv4(ip)
        if wrapped is not None:
            return _plainly_public(wrapped)
    return _plainly_public(ip)


def _plainly_public(ip: IPAddress) -> bool:
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


def url_check(url: str) -> Target:
    """Check a URL's shape and resolve it; raise UnsafeURL if it may not be used."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(_("Enter a valid URL.")) from exc
    host = (parts.hostname or "").rstrip(".").lower()
    if not host or parts.username or parts.password:
        raise UnsafeURL(_("Enter a URL with a host name and no user name."))
    _check_numeric(host)
    local = loopback_allowed() and host in LOOPBACK_HOSTS
    if parts.scheme != "https" and not (local and parts.scheme == "http"):
        raise UnsafeURL(_("Webhook URLs must start with https://."))
    port = port or (443 if parts.scheme == "https" else 80)
    address = _resolve(host, port, allow_loopback=local)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, address)


def _check_numeric(host: str) -> None:
    """Refuse an IPv4 address written other than as four decimal numbers."""
    if ":" in host or not _NUMERIC_LABEL.fullmatch(host.rsplit(".", 1)[-1]):
        return
    try:
        ipaddress.IPv4Address(host)
    except ValueError as exc:
        raise UnsafeURL(
            _("Write an IP address as four decimal numbers, e.g. 203.0.113.5.")
        ) from exc


def _resolve(host: str, port: int, *, allow_loopback: bool) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeURL(_("The host name does not resolve.")) from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise UnsafeURL(_("The host name does not resolve."))
    for ip in addresses:
        if not (is_public(ip) or (allow_loopback and ip.is_loopback)):
            raise UnsafeURL(
                _("Webhooks may only go to public internet addresses, not %(ip)s.")
                % {"ip": ip}
            )
    return str(addresses[0])
