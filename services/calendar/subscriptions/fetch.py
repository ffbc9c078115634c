"""Fetching a partner's feed without letting the partner (or whoever controls the feed's server)
make Treffpunkt read its own network or hang a worker: only http and https, every address the
host name resolves to must be public (unless SOURCES_ALLOW_PRIVATE, for tests and `make run`),
each redirect checked the same way and at most MAX_REDIRECTS of them, the body read in pieces
up to a byte ceiling, and the whole request cut off after a total time (a watchdog closes the
connection: a server that sends a byte a second never trips a per-read timeout).

The connections themselves go to public addresses only (shared/public_address.session), so a
name that answers differently after the check (DNS rebinding) gains nothing."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urljoin

import requests

from shared import bounded_read, public_address

from services.calendar.domain.feed_import import MAX_BYTES
from services.calendar.domain.pull_problem import N_, PullProblem

MAX_REDIRECTS = 5
TOTAL_SECONDS = 30.0  # a whole fetch, redirects included
CONNECT_SECONDS = 10.0
REFUSED = {
    "scheme": N_("Nur Adressen mit https:// oder http:// können abgerufen werden."),
    "no_host": N_("In der Adresse fehlt der Name des Servers."),
    "unknown_host": N_("Den Server „%(host)s“ gibt es nicht (der Name ist unbekannt)."),
    "internal": N_("Der Server „%(host)s“ liegt in einem internen Netz; von dort ruft Treffpunkt keine Kalender ab."),
}
USER_AGENT = "Treffpunkt-Kalender/1.0 (+https://treffpunkt-jena.de; Kalender-Abonnement)"
ACCEPT = "text/calendar, text/plain;q=0.5, */*;q=0.1"


class FetchProblem(PullProblem):
    """The feed could not be fetched; the message says why, for the source's page."""


@dataclass(frozen=True)
class Fetched:
    body: bytes  # empty when not modified
    not_modified: bool
    etag: str
    last_modified: str


def check_address(url: str, allow_private: bool) -> None:
    """FetchProblem, in words for the source's page, unless `url` is http(s) to a public host."""
    try:
        public_address.check(url, allow_private)
    except public_address.Refused as refused:
        raise FetchProblem(REFUSED[refused.reason], host=refused.host) from None


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    allow_private: bool = False,
    max_bytes: int = MAX_BYTES,
    total_seconds: float = TOTAL_SECONDS,
    max_redirects: int = MAX_REDIRECTS,
) -> Fetched:
    """GET `url` with the conditional headers of the last copy; Fetched(not_modified=True)
    on 304. Raises FetchProblem for everything that is not a usable answer."""
    deadline = time.monotonic() + total_seconds
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    with public_address.session(allow_private) as session:
        for _ in range(max_redirects + 1):
            check_address(url, allow_private)
            response = _get(session, url, headers, deadline)
            with response:
                if response.is_redirect:
                    target = response.headers.get("Location", "")
                    if not target:
                        raise FetchProblem(N_("Der Server leitet weiter, sagt aber nicht wohin."))
                    url = urljoin(url, target)
                    continue
                return _answer(response, deadline, max_bytes)
    raise FetchProblem(N_("Der Server leitet zu oft weiter (mehr als %(count)s-mal)."), count=max_redirects)


def _get(session: requests.Session, url: str, headers: dict[str, str], deadline: float) -> requests.Response:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _too_slow()
    try:
        return session.get(
            url,
            headers=headers,
            stream=True,
            allow_redirects=False,
            timeout=(min(CONNECT_SECONDS, remaining), remaining),
        )
    except requests.exceptions.SSLError:
        raise FetchProblem(N_("Die sichere Verbindung (HTTPS) zum Server ist fehlgeschlagen (Zertifikat).")) from None
    except requests.exceptions.Timeout:
        raise _too_slow() from None
    except requests.exceptions.RequestException:
        raise FetchProblem(N_("Der Server ist nicht erreichbar.")) from None


def _answer(response: requests.Response, deadline: float, max_bytes: int) -> Fetched:
    kept = (response.headers.get("ETag", ""), response.headers.get("Last-Modified", ""))
    if response.status_code == 304:
        return Fetched(b"", True, *kept)
    if response.status_code in (401, 403):
        raise FetchProblem(
            N_(
                "Der Server verweigert den Zugriff (HTTP %(status)s). "
                "Ist der Kalender öffentlich freigegeben, sind Name und Passwort richtig?"
            ),
            status=response.status_code,
        )
    if response.status_code == 404:
        raise FetchProblem(N_("Unter dieser Adresse gibt es keinen Kalender (HTTP 404). Bitte prüfen Sie die Adresse."))
    if response.status_code != 200:
        raise FetchProblem(N_("Der Server antwortet mit einem Fehler (HTTP %(status)s)."), status=response.status_code)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_big(max_bytes)
    return Fetched(_body(response, deadline, max_bytes), False, *kept)


def _body(response: requests.Response, deadline: float, max_bytes: int) -> bytes:
    try:
        return bounded_read.read(response, max_bytes, deadline)
    except bounded_read.TooBig:
        raise _too_big(max_bytes) from None
    except bounded_read.TooSlow:
        raise _too_slow() from None
    except bounded_read.Broken:
        raise FetchProblem(N_("Die Verbindung zum Server ist abgebrochen.")) from None


def _too_slow() -> FetchProblem:
    return FetchProblem(N_("Der Server antwortet zu langsam (der Abruf dauerte länger als erlaubt)."))


def _too_big(max_bytes: int) -> FetchProblem:
    limit = f"{max_bytes // (1024 * 1024)} MB" if max_bytes >= 1024 * 1024 else f"{max_bytes // 1024} KB"
    return FetchProblem(N_("Der Kalender ist zu groß (mehr als %(limit)s)."), limit=limit)
