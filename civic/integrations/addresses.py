"""Where a webhook may send: the rule that keeps the sender from being turned against the machines
next to it (server-side request forgery). Reads no database and no request.

A hook's address is https (http only where WEBHOOKS_ALLOW_HTTP, in development), carries no user
name or password, and its host resolves only to public addresses: not loopback, private, link-local,
multicast, reserved, unspecified, shared (100.64.0.0/10, carrier NAT), site-local or Teredo, nor an
IPv6 address that carries such an IPv4 address inside it (IPv4-mapped, 6to4, NAT64). It is checked when the hook is
saved and again at every delivery, after resolving; the sender then connects to the very address
checked, so a name that answers differently the second time (DNS rebinding) cannot reach inside.

A name that cannot be found and one that leads somewhere refused get the same words: what our resolver
knows of the names and addresses around the sender is told to nobody. The detail is logged here only.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import idna
from flask_babel import gettext as _

from civic.core.errors import DomainError

log = logging.getLogger(__name__)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) -> the IP addresses the host resolves to, as text.
Resolver = Callable[[str, int], list[str]]

URL_MAX_LENGTH = 500
# Not the internet's, though not every Python version calls them private: carrier-grade NAT (shared
# address space), and the IETF's protocol assignments (only a few of which are globally reachable).
NOT_GLOBAL = (ipaddress.IPv4Network("100.64.0.0/10"), ipaddress.IPv4Network("192.0.0.0/24"))
# The well-known NAT64 prefix: its last 32 bits are an IPv4 address that a gateway reaches.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")


class AddressRefused(DomainError):
    """The address may not be sent to; the message says why in the person's language. ``reason``
    (``invalid``, ``unresolved`` or ``refused``) and ``detail`` are for the server's log only: a name
    that is unknown and one that leads to a refused address get the same message, ``not_public()``."""

    def __init__(self, message: str, *, reason: str = "invalid", detail: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Target:
    """A checked address: connect to ``address``, speak to ``host`` (TLS name and Host header)."""

    scheme: str
    host: str
    port: int
    path: str
    address: str

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


@dataclass(frozen=True)
class Location:
    """A webhook URL taken apart: its scheme, its host (ASCII), port and path with query."""

    scheme: str
    host: str
    port: int
    path: str


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system's resolver gives for ``host``."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _embedded(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), if it carries one."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: Address) -> bool:
    """Whether ``address`` is one of the internet's, reachable by anyone: the only kind we send to."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id or address in NAT64_LOCAL or address.is_site_local or address.teredo is not None:
            return False
        inner = _embedded(address)
        if inner is not None:
            # It reaches the IPv4 address it carries (itself, through a 6to4 relay or a NAT64 gateway).
            return is_public(inner)
    return _plainly_public(address)


def _plainly_public(address: Address) -> bool:
    if (address.is_private or address.is_loopback or address.is_link_local or address.is_multicast
            or address.is_reserved or address.is_unspecified):
        return False
    if isinstance(address, ipaddress.IPv4Address) and any(address in network for network in NOT_GLOBAL):
        return False
    return address.is_global


def not_public() -> str:
    """What a person is told of an address whose host cannot be found or is not the public internet's."""
    return _("This address cannot receive webhooks: it must be a public https address.")


def parse(url: str, *, allow_http: bool) -> Location:
    """Take ``url`` apart, refusing what is never sent to: another scheme, a user name or password,
    no host, a fragment, a bad port or host name."""
    text = (url or "").strip()
    if not text:
        raise AddressRefused(_("Enter the address to send to, starting with https://."))
    if len(text) > URL_MAX_LENGTH:
        raise AddressRefused(_("The address is too long: at most %(max)d characters.", max=URL_MAX_LENGTH))
    if any(ord(char) < 33 or ord(char) == 127 for char in text):
        raise AddressRefused(_("The address may not contain spaces or control characters."))
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme != "https" and not (allow_http and scheme == "http"):
        raise AddressRefused(_("The address must start with https://."))
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise AddressRefused(_("The address may not contain a user name or password."))
    if parts.fragment:
        raise AddressRefused(_("The address may not contain a fragment (#...)."))
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise AddressRefused(_("The address has an invalid port.")) from None
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise AddressRefused(_("The address has no host name."))
    try:
        ipaddress.ip_address(host)
    except ValueError:
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            raise AddressRefused(_("The address has an invalid host name.")) from None
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Location(scheme=scheme, host=host.lower(), port=port, path=path)


def resolve(location: Location, *, resolver: Resolver, allow_private: bool) -> Target:
    """Resolve the host and check every address it gives; the first one is where to connect.

    One non-public address among several refuses the whole name: a rebinding name could answer with
    either. ``allow_private`` (development, and tests with a receiver on loopback) lets any through.
    """
    try:
        literal = ipaddress.ip_address(location.host)
    except ValueError:
        literal = None
    if literal is not None:
        found = [literal]
    else:
        try:
            found = [ipaddress.ip_address(text) for text in resolver(location.host, location.port)]
        except (OSError, UnicodeError, ValueError):
            found = []
        if not found:
            log.info("webhook host %s could not be resolved", location.host)
            raise AddressRefused(not_public(), reason="unresolved", detail=location.host)
    if not allow_private:
        for address in found:
            if not is_public(address):
                log.info("webhook host %s leads to %s, which is not public", location.host, address)
                raise AddressRefused(not_public(), reason="refused", detail=str(address))
    return Target(scheme=location.scheme, host=location.host, port=location.port, path=location.path,
                  address=str(found[0]))


def check(url: str, *, resolver: Resolver, allow_http: bool, allow_private: bool) -> Target:
    """The address to send ``url``'s deliveries to, or AddressRefused saying why not."""
    return resolve(parse(url, allow_http=allow_http), resolver=resolver, allow_private=allow_private)
