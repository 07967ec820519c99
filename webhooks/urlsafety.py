"""Where a webhook may point: `https` to public addresses only.

A webhook must not become a way into the platform's own network, so every
address the host resolves to must be public (no loopback, private, link-local,
shared, reserved, multicast or unspecified address). The check runs when an
endpoint is registered and again before every delivery, and the delivery
connects to the address that passed (DNS rebinding cannot slip in between).
With `WEBHOOK_ALLOW_LOOPBACK` (default: DEBUG), `http://127.0.0.1` (and
`localhost`, `[::1]`) are allowed too, for trying webhooks out on a laptop.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import ValidationFailed

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


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


def is_public(ip: IPAddress) -> bool:
    """An address on the public internet."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
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
    local = loopback_allowed() and host in LOOPBACK_HOSTS
    if parts.scheme != "https" and not (local and parts.scheme == "http"):
        raise UnsafeURL(_("Webhook URLs must start with https://."))
    port = port or (443 if parts.scheme == "https" else 80)
    address = _resolve(host, port, allow_loopback=local)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, address)


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
