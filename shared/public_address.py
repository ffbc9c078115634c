"""Addresses Treffpunkt asks on someone else's say-so (a partner's feed or CalDAV calendar, a
fediverse server's inbox or actor): only http or https, to a host whose every address is public.
Never this machine or its network (loopback, private, link-local, multicast, reserved), or a
form field becomes a way to read what sits behind the firewall. `allow_private` is for tests and
`make run`, where the other server is on this machine.

`check` says early and plainly why an address is refused. `session` closes what a check before
the request cannot: a name whose DNS answer changes between the check and the connection (DNS
rebinding) would reach the internal address. Its connections resolve names through a resolver
that refuses any internal answer, so what is checked is what is connected to. (The resolver hook
is urllib3-future's, the urllib3 that `caldav`'s niquests installs; the `caldav` library's own
connections for CalDAV sources are checked by `check` only.)"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.contrib.resolver.system import SystemResolver

SCHEMES = ("http", "https")


class Refused(Exception):
    """`reason`: "scheme", "no_host", "unknown_host" or "internal"; `host` as written."""

    def __init__(self, reason: str, host: str = ""):
        super().__init__(f"{reason}: {host}")
        self.reason, self.host = reason, host


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") is no part of it
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return ip.is_global and not ip.is_multicast


def check(url: str, allow_private: bool) -> None:
    """Refused unless `url` is http(s) to a host whose every address is public."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise Refused("scheme", parts.scheme)
    host = parts.hostname
    if not host:
        raise Refused("no_host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError):
        raise Refused("unknown_host", host) from None
    if not allow_private and not all(is_public(str(info[4][0])) for info in found):
        raise Refused("internal", host)


class _PublicOnly(SystemResolver):
    """The system's answers, refused as a whole when one of them is internal."""

    def getaddrinfo(self, host, port, family, type, proto=0, flags=0, *, quic_upgrade_via_dns_rr=False):  # type: ignore[no-untyped-def]
        found = super().getaddrinfo(
            host, port, family, type, proto, flags, quic_upgrade_via_dns_rr=quic_upgrade_via_dns_rr
        )
        if not found or not all(is_public(str(info[4][0])) for info in found):
            raise socket.gaierror(f"{host!r} resolves to an internal address")
        return found


class _PublicAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, resolver=_PublicOnly(), **kwargs)


def session(allow_private: bool) -> requests.Session:
    """A requests session for addresses someone else named: no proxy or .netrc of the worker's
    environment, and (unless `allow_private`) connections to public addresses only."""
    made = requests.Session()
    made.trust_env = False
    if not allow_private:
        made.mount("http://", _PublicAdapter())
        made.mount("https://", _PublicAdapter())
    return made
