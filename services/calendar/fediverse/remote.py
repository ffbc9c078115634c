"""Requests to other servers: only http(s), never to loopback or private addresses (unless
FEDIVERSE_ALLOW_PRIVATE, for tests), short timeouts, answers read up to MAX_BODY, no redirects
followed for POSTs and at most MAX_REDIRECTS for GETs. Every request is signed by one of our
actors: peers with "authorized fetch" (Mastodon's secure mode) answer only signed GETs.

Addresses are checked by shared/public_address.py before the request and again as it
connects (a name that answers differently a moment later, DNS rebinding, gains nothing)."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from flask import current_app

from shared import bounded_read, public_address
from shared.clock import utcnow

from services.calendar.domain import http_signatures, message_signatures

TIMEOUT = (3.05, 10)  # connect, read
MAX_BODY = 1_000_000
GET_SECONDS = 10.0  # a whole GET, redirects included
MAX_REDIRECTS = 3
ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
USER_AGENT = "Treffpunkt (ActivityPub; +https://treffpunkt-jena.de/)"


class RemoteError(Exception):
    """A request that could not be made or was refused; the message says why (for the log)."""


def check_address(url: str) -> tuple[str, str]:
    """(host header, path with query) of `url`, or RemoteError when it may not be asked."""
    try:
        public_address.check(url, current_app.config["SETTINGS"].fediverse_allow_private)
    except public_address.Refused as refused:
        raise RemoteError(f"{url[:100]}: refused ({refused.reason})") from None
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.netloc, target


def _session() -> requests.Session:
    """Connections to public addresses only, checked as they connect (shared/public_address)."""
    return public_address.session(current_app.config["SETTINGS"].fediverse_allow_private)


def fetch_json(url: str, key_id: str, private_pem: str) -> dict[str, Any]:
    """GET an ActivityPub document, signed; all of it, redirects included, within GET_SECONDS
    (a key is fetched while a peer's POST to our inbox waits)."""
    deadline = time.monotonic() + GET_SECONDS
    with _session() as http:
        for _ in range(MAX_REDIRECTS + 1):
            host, target = check_address(url)
            headers = http_signatures.signed_headers("GET", host, target, key_id, private_pem, utcnow(), None)
            try:
                response = http.get(
                    url,
                    headers={**headers, "Accept": ACCEPT, "User-Agent": USER_AGENT},
                    timeout=(TIMEOUT[0], max(0.1, min(TIMEOUT[1], deadline - time.monotonic()))),
                    allow_redirects=False,
                    stream=True,
                )
            except requests.RequestException as exc:
                raise RemoteError(f"GET {url[:100]}: {type(exc).__name__}") from exc
            with response:
                if response.is_redirect and response.headers.get("Location"):
                    url = urljoin(url, response.headers["Location"])
                    continue
                if response.status_code != 200:
                    raise RemoteError(f"GET {url[:100]}: HTTP {response.status_code}")
                body = _read(response, deadline)
            try:
                found = json.loads(body)
            except ValueError as exc:
                raise RemoteError(f"GET {url[:100]}: not JSON") from exc
            if not isinstance(found, dict):
                raise RemoteError(f"GET {url[:100]}: not a JSON object")
            return found
    raise RemoteError(f"GET {url[:100]}: too many redirects")


def post_activity(url: str, body: bytes, key_id: str, private_pem: str, rfc9421: bool = False) -> int:
    """POST `body` to an inbox, signed (draft-cavage, or RFC 9421 for a peer that refused the
    other); the HTTP status (RemoteError when none came)."""
    host, target = check_address(url)
    if rfc9421:
        headers = message_signatures.sign("POST", url, body, key_id, private_pem, utcnow())
    else:
        headers = http_signatures.signed_headers("POST", host, target, key_id, private_pem, utcnow(), body)
    with _session() as http:
        try:
            response = http.post(
                url,
                data=body,
                headers={**headers, "Content-Type": "application/activity+json", "User-Agent": USER_AGENT},
                timeout=TIMEOUT,
                allow_redirects=False,
                stream=True,
            )
        except requests.RequestException as exc:
            raise RemoteError(f"POST {url[:100]}: {type(exc).__name__}") from exc
        with response:
            return response.status_code


def _read(response: requests.Response, deadline: float) -> bytes:
    try:
        return bounded_read.read(response, MAX_BODY, deadline)
    except bounded_read.TooBig:
        raise RemoteError("answer too large") from None
    except bounded_read.TooSlow:
        raise RemoteError(f"answer not complete within {GET_SECONDS:.0f} s") from None
    except bounded_read.Broken:
        raise RemoteError("connection broke off") from None
