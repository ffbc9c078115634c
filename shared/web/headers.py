"""Security headers on every answer of every service.

No other site may frame a form (clickjacking), nothing is sniffed into another type, and the
pages load only their own files. They use no JavaScript; inline style attributes stay allowed
for the sandboxed mail preview on /notify/ (mails carry their styles inline).

A page made to be shown inside other sites (the calendar's embed: no form, nothing a hidden
click could do) says so with `allow_framing`: its policy lets any site frame it, and it gets no
X-Frame-Options, whose DENY would forbid what the policy allows."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, request

from shared import signed_links


def _policy(frame_ancestors: str) -> str:
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; style-src-attr 'unsafe-inline'; "
        f"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {frame_ancestors}"
    )


SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": _policy("'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
FRAMEABLE_POLICY = _policy("*")
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
        if "frame-ancestors" in headers.get("Content-Security-Policy", ""):
            own.add("x-frame-options")  # the view's policy says who may frame it
        headers.extend([(name, value) for low, name, value in defaults if low not in own])
        if request.path.startswith(signed_links.PREFIXES):
            headers.update(SIGNED_LINK_HEADERS)
        return response

    return add


def allow_framing(response: Response) -> Response:
    """Any site may show this answer in an iframe (see the module's docstring)."""
    response.headers["Content-Security-Policy"] = FRAMEABLE_POLICY
    return response
