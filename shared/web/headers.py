"""Security headers on every answer of every service.

No other site may frame a form (clickjacking), nothing is sniffed into another type, and the
pages load only their own files. They use no JavaScript; inline style attributes stay allowed
for the sandboxed mail preview on /notify/ (mails carry their styles inline)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, request

from shared import signed_links

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "style-src-attr 'unsafe-inline'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# A signed link is a key: it must not leave in a Referer or stay in a cache (shared/signed_links.py).
SIGNED_LINK_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
HSTS = "max-age=31536000"  # a year; not includeSubDomains: other hosts of the domain are not ours


def security_headers(secure: bool) -> Callable[[Response], Response]:
    """after_request: SECURITY_HEADERS where the view set none of its own; HSTS when PUBLIC_URL is
    https (browsers stay on it). Built once: it runs on every CalDAV request too (a few µs)."""
    defaults = [(name.lower(), name, value) for name, value in SECURITY_HEADERS.items()]
    if secure:
        defaults.append(("strict-transport-security", "Strict-Transport-Security", HSTS))

    def add(response: Response) -> Response:
        headers = response.headers
        own = {name.lower() for name, _value in headers}
        headers.extend([(name, value) for low, name, value in defaults if low not in own])
        if request.path.startswith(signed_links.PREFIXES):
            headers.update(SIGNED_LINK_HEADERS)
        return response

    return add
