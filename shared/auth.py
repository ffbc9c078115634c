"""Who is asking, decided once for every view of every service.

Two kinds of credentials, each for its own channel. Programs (CalDAV, the feeds, the JSON API:
PROGRAM_PATHS) send HTTP Basic with an app password; people's pages use the login session (a
server-side row, shared.identity.store). So an app password opens no page, not even the one that
makes app passwords (a lost phone stays a lost phone), and a session opens no CalDAV or API,
which take no CSRF tokens. Every check that has to hash a secret first asks the login throttle
(shared.identity.throttle): failures are counted per name and per client address, and a locked
name or address gets 429 with Retry-After before any hash is computed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import abort, current_app, g, jsonify, make_response, redirect, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from shared.identity.store import IdentityStore, Principal
from shared.identity.throttle import LoginThrottle

PROGRAM_PATHS = ("/api/", "/dav", "/.well-known/", "/feeds/")  # JSON, CalDAV's XML, iCalendar feeds
SESSION_TOKEN = "sid"  # the key in the signed cookie; the server keeps the session itself
P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


def identity() -> IdentityStore:
    store: IdentityStore = current_app.extensions["identity"]
    return store


def for_programs() -> bool:
    """CalDAV, the API and the feeds; "/" too, where calendar programs start their discovery."""
    return request.path.startswith(PROGRAM_PATHS) or request.path == "/"


def current_account() -> Principal | None:
    """The account of this request, by the credentials of its channel (see the module's doc)."""
    if "account" not in g:
        _settle(_app_password_account if for_programs() else _session_account)
    account: Principal | None = g.account
    return account


def _settle(find: Callable[[], Principal | None]) -> Principal | None:
    g.account = None  # asked for while being worked out (a message's language): nobody yet
    account = g.account = find()
    return account


def session_account() -> Principal | None:
    """The account of this request's login session, whatever the path (logging out)."""
    return _account_for(programs=False)


def _account_for(programs: bool) -> Principal | None:
    """The account by the given channel's credentials, whatever the path (a decorator's choice)."""
    if for_programs() == programs:
        return current_account()
    return _settle(_app_password_account if programs else _session_account)


def _session_account() -> Principal | None:
    if "Authorization" in request.headers:  # a program's credentials never fall back to a session
        return None
    token = session.get(SESSION_TOKEN)
    return identity().session_principal(token) if isinstance(token, str) else None


def _app_password_account() -> Principal | None:
    auth = request.authorization
    if auth is None or auth.type != "basic" or not auth.username:
        return None
    name, secret = auth.username, auth.password or ""
    remembered = identity().remembered_app_password(name, secret)
    if remembered is not None:  # verified lately: no hash, so no guess and nothing to throttle
        return remembered
    try:
        return throttled(name, lambda: identity().verify_app_password(name, secret))
    except TooManyFailures as exc:
        response = make_response(
            _("Zu viele fehlgeschlagene Anmeldungen. Bitte später noch einmal versuchen.") + "\n", 429
        )
        response.headers.update({"Retry-After": str(exc.seconds), "Content-Type": "text/plain; charset=utf-8"})
        abort(response)


def check_program_credentials() -> None:
    """before_request: programs' credentials are checked (and throttled) before any view, also
    where a view checks them on its own."""
    if "Authorization" in request.headers and for_programs():
        _settle(_app_password_account)


class TooManyFailures(Exception):
    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


def throttled(name: str, check: Callable[[], T | None], counter: str = "login_throttle") -> T | None:
    """check() unless `name` or the client's address failed too often lately; a failure (None)
    counts. `counter` names the throttle in app.extensions (passwords by default)."""
    throttle: LoginThrottle = current_app.extensions[counter]
    address = request.remote_addr or "-"
    wait = throttle.wait_seconds(name, address)
    if wait:
        raise TooManyFailures(wait)
    found = check()
    if found is None:
        throttle.failed(name, address)
    else:
        throttle.succeeded(name)
    return found


# --- decorators: each names its channel ------------------------------------------------------
def _here() -> str:
    return request.full_path if request.query_string else request.path


def login_required(view: Callable[P, R]) -> Callable[P, R | Response]:
    """For pages: the login session only; people without one go to the login form and back."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | Response:
        if _account_for(programs=False) is None:
            return redirect(url_for("web.login", next=_here()))
        return view(*args, **kwargs)

    return wrapped


def coordination_required(view: Callable[P, R]) -> Callable[P, R | Response]:
    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | Response:
        account = _account_for(programs=False)
        if account is None:
            return redirect(url_for("web.login", next=_here()))
        if not account.is_coordination:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def basic_auth_required(realm: str = "Treffpunkt") -> Callable[[Callable[P, R]], Callable[P, R | Response]]:
    """For CalDAV and the API: an app password only; else 401 with a Basic challenge."""

    def decorator(view: Callable[P, R]) -> Callable[P, R | Response]:
        @functools.wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            if _account_for(programs=True) is None:
                response = jsonify(message=_("Anmeldung nötig: Benutzername und App-Passwort (HTTP Basic)."))
                response.status_code = 401
                response.headers["WWW-Authenticate"] = f'Basic realm="{realm}", charset="UTF-8"'
                return response
            return view(*args, **kwargs)

        return wrapped

    return decorator
