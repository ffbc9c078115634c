"""Whether a mail may book at all (issue 15): it comes from the network's own relay, or it
carries a valid DKIM signature of its From domain; and its From and ORGANIZER are addresses of
registered, active accounts. Anything else is refused and logged, never booked.

DKIM (RFC 6376) with dkimpy; the DNS lookup of the signer's key is `dnsfunc` (dkimpy's own
resolver in production, a table in tests). A signature counts only when its d= is the From
domain or a parent of it (DMARC's relaxed alignment, without the public suffix list: a d= of a
bare public suffix such as "de" is never aligned)."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Sequence
from typing import Any

import dkim

from services.rooms.mailin.errors import Refused

log = logging.getLogger(__name__)
DnsFunc = Callable[..., Any]  # dkimpy's: (name: bytes, timeout=...) -> TXT record bytes or None
Networks = Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]
MAX_SIGNATURES = 5  # each costs a DNS lookup and an RSA check


def from_relay(peer: str, relays: Networks) -> bool:
    """Whether the connecting address is one of the network's own relays."""
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in relays)


def aligned(signer: str, sender_domain: str) -> bool:
    signer, sender_domain = signer.lower().rstrip("."), sender_domain.lower().rstrip(".")
    return "." in signer and (sender_domain == signer or sender_domain.endswith("." + signer))


def check_dkim(raw: bytes, sender: str, dnsfunc: DnsFunc | None = None) -> str:
    """The d= of a valid signature aligned with `sender`'s domain; Refused when there is none."""
    domain = sender.rpartition("@")[2]
    try:
        checker = dkim.DKIM(raw, timeout=5)
    except dkim.DKIMException:
        raise Refused("unreadable", "headers") from None
    count = sum(1 for name, _value in checker.headers if name.lower() == b"dkim-signature")
    if count == 0:
        raise Refused("unsigned")
    lookup, timed_out = _watched(dnsfunc or dkim.get_txt)
    for index in range(min(count, MAX_SIGNATURES)):
        try:
            valid = checker.verify(idx=index, dnsfunc=lookup)
        except dkim.DKIMException as exc:
            log.info("mailin: DKIM signature %d not usable: %s", index, type(exc).__name__)
            continue
        signer = (checker.domain or b"").decode("ascii", "replace")
        if valid and aligned(signer, domain):
            return signer
    if timed_out:  # dkimpy counts a key it could not look up as a bad signature; it may be fine later
        raise Refused("unavailable", "DNS")
    raise Refused("dkim", domain)


def _watched(dnsfunc: DnsFunc) -> tuple[DnsFunc, list[bytes]]:
    """`dnsfunc`, noting the names whose lookup timed out (451 rather than 550: try again later)."""
    timed_out: list[bytes] = []

    def lookup(name: bytes, timeout: float = 5) -> Any:
        try:
            return dnsfunc(name, timeout=timeout)
        except dkim.DnsTimeoutError:
            timed_out.append(name)
            raise

    return lookup, timed_out
