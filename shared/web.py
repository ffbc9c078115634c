"""Flask plumbing common to the three services: settings, database session, identity, login
(session + CSRF for pages, HTTP Basic with app passwords for CalDAV and the API: shared.auth),
security headers, /healthz."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, current_app, g, has_request_context, jsonify, redirect, render_template, request
from flask_babel import Babel, format_datetime, get_locale
from flask_wtf import CSRFProtect
from sqlalchemy import text
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from shared import signed_links
from shared.auth import PROGRAM_PATHS, check_program_credentials, login_view, logout_view, safe_next
# the services import these from here
from shared.auth import basic_auth_required, coordination_required, current_account, identity, login_required  # noqa: F401
from shared.config import Settings, secret_problem
from shared.db import as_utc, make_engine, make_session_factory, transaction
from shared.ids import IdConverter
from shared.identity.models import LANGUAGES  # German is the source language; English from translations/en
from shared.identity.store import IdentityStore
from shared.identity.throttle import throttle_for

csrf = CSRFProtect()
babel = Babel()
HERE = Path(__file__).parent
MAX_CONTENT_LENGTH = 2 * 1024 * 1024
LANGUAGE_COOKIE = "treffpunkt_language"
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600
# Errors people meet on pages get shared/templates/error.html; programs keep their own bodies.
PAGE_ERRORS = (400, 403, 404, 405, 409, 413)
# Every answer: no other site may frame a form (clickjacking), nothing is sniffed into another
# type, and the pages load only their own files. They use no JavaScript; inline style attributes
# stay allowed for the sandboxed mail preview on /notify/ (mails carry their styles inline).
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
STATEMENT_TIMEOUT_MS = 30_000  # far above any statement of a request or task; a runaway one ends
HSTS = "max-age=31536000"  # a year; not includeSubDomains: other hosts of the domain are not ours


def create_base_app(import_name: str, service: str, config: dict | None = None) -> Flask:
    """A Flask app for `service` with everything but its own views. Nothing connects here:
    engines are lazy, the broker is only contacted when a message is sent."""
    config = dict(config or {})
    settings = config.pop("SETTINGS", None) or Settings.from_env()
    if not settings.demo and (problem := secret_problem(settings.secret_key)):
        raise RuntimeError(problem)
    app = Flask(import_name)
    app.url_map.converters["int"] = IdConverter  # every <int:…> is a database id (shared/ids.py)
    if settings.trusted_proxies:  # the client address (login throttle) and scheme as the proxy saw them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)
    app.config.update(
        SETTINGS=settings,
        SERVICE=service,
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="treffpunkt_session",
        SESSION_COOKIE_PATH="/",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),  # also the CSRF token, kept in it
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_max_hours),
        MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH,
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="de",
        BABEL_TRANSLATION_DIRECTORIES=str(HERE / "translations"),
        BABEL_DEFAULT_TIMEZONE=settings.timezone,
    )
    app.config.update(config)
    engine = make_engine(settings.database_url(service), statement_timeout_ms=STATEMENT_TIMEOUT_MS)
    app.extensions["db"] = make_session_factory(engine)
    app.extensions["db_engine"] = engine
    identity_engine = make_engine(settings.identity_database_url, statement_timeout_ms=STATEMENT_TIMEOUT_MS)
    app.extensions["identity"] = IdentityStore(make_session_factory(identity_engine),
                                               session_idle=timedelta(minutes=settings.session_idle_minutes),
                                               session_max=timedelta(hours=settings.session_max_hours))
    app.extensions["login_throttle"] = throttle_for(settings.broker_url)
    app.before_request(check_program_credentials)
    app.after_request(_security_headers(secure=app.config["SESSION_COOKIE_SECURE"]))
    signed_links.redact_log(app.logger)  # "Exception on /rooms/cancel/<token>"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_locale)
    app.register_blueprint(_web_blueprint(service))
    for code in PAGE_ERRORS:
        app.register_error_handler(code, _error_page)
    app.add_url_rule(f"/{service}/healthz", "healthz", _healthz)
    app.jinja_env.globals.update(current_account=current_account, get_locale=get_locale)
    app.jinja_env.filters["local"] = local_moment
    return app


# a moment on a page: 03.12.2025 15:00 in German; in English the month in words, so nobody
# reads 03.12 as the 12th of March
MOMENT_PATTERNS = {"de": "dd.MM.yyyy HH:mm", "en": "d MMM yyyy, HH:mm"}


def local_moment(moment) -> str:
    """A stored moment in the local time zone, written for the reader's language ('' for None)."""
    if moment is None:
        return ""
    local = as_utc(moment).astimezone(ZoneInfo(current_app.config["SETTINGS"].timezone))
    language = get_locale().language if get_locale() else "de"
    return format_datetime(local.replace(tzinfo=None), MOMENT_PATTERNS.get(language, MOMENT_PATTERNS["de"]),
                           rebase=False)


def _locale() -> str | None:
    """The account's language, else the visitor's choice from the language link (a cookie), else
    the browser's, else German. None outside a request (a worker): Flask-Babel's default, German."""
    if not has_request_context():
        return None
    account = current_account()
    if account and account.language in LANGUAGES:
        return account.language
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    # By the browser's order of preference and the primary tag only: werkzeug's best_match would
    # pick "en" for "de-AT,en;q=0.5" because only "en" matches exactly.
    for tag, _quality in request.accept_languages:
        primary = tag.replace("_", "-").split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return "de"


def _error_page(exc: HTTPException):
    """A page in the reader's language with a way back, instead of werkzeug's English one. For
    programs (API, CalDAV, feeds, or a client that does not accept HTML) whatever handled the error
    before: the service's own catch-all handler (the rooms API's JSON), else werkzeug's response."""
    accept = request.accept_mimetypes
    if request.path.startswith(PROGRAM_PATHS) or (accept and not accept.accept_html):
        fallback = current_app.error_handler_spec[None][None].get(HTTPException)
        return fallback(exc) if fallback else exc
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]  # e.g. Allow on 405
    return render_template("error.html", code=exc.code), exc.code, headers


def db():
    """The request's database session (own database of this service), closed at teardown."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db"]()
    return g.db_session


def unit_of_work():
    """`with unit_of_work() as session:` — one transaction of this service's database for a
    request's change (shared.db.transaction: commits at the end of the block, rolls back when it
    is left by an exception; queued messages are published after the commit)."""
    return transaction(current_app.extensions["db"])


def _close_session(_exc=None):
    session_ = g.pop("db_session", None)
    if session_ is not None:
        session_.close()


def _healthz():
    checks = {}
    try:
        with current_app.extensions["db_engine"].connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # report, do not crash: this is what a health check is for
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        celery = current_app.extensions["celery"]
        with celery.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:
        checks["broker"] = f"error: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return jsonify(status="ok" if healthy else "unhealthy", service=current_app.config["SERVICE"], **checks), (200 if healthy else 503)


def _security_headers(secure: bool):
    """after_request: SECURITY_HEADERS where the view set none of its own; HSTS when PUBLIC_URL is
    https (browsers stay on it). Built once: it runs on every CalDAV request too (a few µs)."""
    defaults = [(name.lower(), name, value) for name, value in SECURITY_HEADERS.items()]
    if secure:
        defaults.append(("strict-transport-security", "Strict-Transport-Security", HSTS))

    def add(response):
        headers = response.headers
        own = {name.lower() for name, _value in headers}
        headers.extend([(name, value) for low, name, value in defaults if low not in own])
        if request.path.startswith(signed_links.PREFIXES):
            headers.update(SIGNED_LINK_HEADERS)
        return response

    return add


def _web_blueprint(service: str) -> Blueprint:
    bp = Blueprint("web", __name__, template_folder=str(HERE / "templates"),
                   static_folder=str(HERE / "static"), static_url_path=f"/{service}/static/shared")

    bp.add_url_rule(f"/{service}/login", "login", lambda: login_view(service), methods=["GET", "POST"])
    bp.add_url_rule(f"/{service}/logout", "logout", logout_view, methods=["POST"])

    @bp.get(f"/{service}/language/<any({', '.join(LANGUAGES)}):language>")
    def set_language(language):
        """Remember a visitor's language for a year and go back to the page they came from. A GET
        that only sets this cookie: nothing else changes, so it needs no CSRF token. A logged-in
        person changes the account's language instead (which comes first), with a POST."""
        response = redirect(safe_next(request.args.get("next"), f"/{service}/"))
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_SECONDS, path="/",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
        return response

    @bp.post(f"/{service}/language/<any({', '.join(LANGUAGES)}):language>")
    @login_required
    def set_account_language(language):
        identity().set_language(current_account().account_id, language)
        return redirect(safe_next(request.form.get("next"), f"/{service}/"))

    bp.teardown_app_request(_close_session)
    return bp

