"""Flask plumbing common to the three services: settings, database session, identity, login
(session + CSRF for pages, HTTP Basic with app passwords for CalDAV and the API), /healthz."""
from __future__ import annotations

import base64
import functools
from pathlib import Path
from zoneinfo import ZoneInfo
from urllib.parse import urlsplit

from flask import (Blueprint, Flask, abort, current_app, flash, g, has_request_context, jsonify,
                   redirect, render_template, request, session, url_for)
from flask_babel import Babel, format_datetime, get_locale, gettext as _, lazy_gettext as _l, refresh
from flask_wtf import CSRFProtect, FlaskForm
from sqlalchemy import text
from werkzeug.exceptions import HTTPException
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from shared.config import Settings, secret_problem
from shared.db import as_utc, make_engine, make_session_factory
from shared.identity.models import LANGUAGES  # German is the source language; English from translations/en
from shared.identity.store import IdentityStore, Principal

csrf = CSRFProtect()
babel = Babel()
HERE = Path(__file__).parent
MAX_CONTENT_LENGTH = 2 * 1024 * 1024
LANGUAGE_COOKIE = "treffpunkt_language"
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600
# Errors people meet on pages get shared/templates/error.html; programs keep their own bodies.
PAGE_ERRORS = (400, 403, 404, 405, 409, 413)
PROGRAM_PATHS = ("/api/", "/dav", "/.well-known/", "/feeds/")  # JSON, CalDAV's XML, iCalendar feeds


def create_base_app(import_name: str, service: str, config: dict | None = None) -> Flask:
    """A Flask app for `service` with everything but its own views. Nothing connects here:
    engines are lazy, the broker is only contacted when a message is sent."""
    config = dict(config or {})
    settings = config.pop("SETTINGS", None) or Settings.from_env()
    if not settings.demo and (problem := secret_problem(settings.secret_key)):
        raise RuntimeError(problem)
    app = Flask(import_name)
    app.config.update(
        SETTINGS=settings,
        SERVICE=service,
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="treffpunkt_session",
        SESSION_COOKIE_PATH="/",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH,
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="de",
        BABEL_TRANSLATION_DIRECTORIES=str(HERE / "translations"),
        BABEL_DEFAULT_TIMEZONE=settings.timezone,
    )
    app.config.update(config)
    engine = make_engine(settings.database_url(service))
    app.extensions["db"] = make_session_factory(engine)
    app.extensions["db_engine"] = engine
    identity_engine = make_engine(settings.identity_database_url)
    app.extensions["identity"] = IdentityStore(make_session_factory(identity_engine))
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


def identity() -> IdentityStore:
    return current_app.extensions["identity"]


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


# --- who is asking -------------------------------------------------------------------------
def current_account() -> Principal | None:
    """The account of this request: from HTTP Basic (app password) or the login session."""
    if "account" in g:
        return g.account
    # Credentials that are sent but wrong never fall back to a browser session.
    has_basic = request.headers.get("Authorization", "").lower().startswith("basic ")
    g.account = _basic_principal() if has_basic else _session_principal()
    return g.account


def _session_principal() -> Principal | None:
    account_id = session.get("account_id")
    return identity().principal(account_id) if account_id else None


def _basic_principal() -> Principal | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        username, _sep, secret = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return identity().check_app_password(username, secret)


def _here() -> str:
    return request.full_path if request.query_string else request.path


def login_required(view):
    """For pages: send people without a session to the login form, and back afterwards."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_account() is None:
            return redirect(url_for("web.login", next=_here()))
        return view(*args, **kwargs)

    return wrapped


def basic_auth_required(realm: str = "Treffpunkt"):
    """For CalDAV and the API: 401 with a Basic challenge unless an app password matches."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if current_account() is None:
                response = jsonify(message=_("Anmeldung nötig: Benutzername und App-Passwort (HTTP Basic)."))
                response.status_code = 401
                response.headers["WWW-Authenticate"] = f'Basic realm="{realm}", charset="UTF-8"'
                return response
            return view(*args, **kwargs)

        return wrapped

    return decorator


def coordination_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        account = current_account()
        if account is None:
            return redirect(url_for("web.login", next=_here()))
        if not account.is_coordination:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


# --- login pages ---------------------------------------------------------------------------
class LoginForm(FlaskForm):
    username = StringField(_l("Benutzername"), validators=[DataRequired(), Length(max=60)])
    password = PasswordField(_l("Passwort"), validators=[DataRequired(), Length(max=200)])


def _safe_next(target: str | None, default: str) -> str:
    """Only same-site paths, so the login form cannot be used to redirect elsewhere."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def _web_blueprint(service: str) -> Blueprint:
    bp = Blueprint("web", __name__, template_folder=str(HERE / "templates"),
                   static_folder=str(HERE / "static"), static_url_path=f"/{service}/static/shared")

    @bp.route(f"/{service}/login", methods=["GET", "POST"])
    def login():
        form = LoginForm()
        error = None
        if form.validate_on_submit():
            principal = identity().check_password(form.username.data.strip(), form.password.data)
            if principal is not None:
                session.clear()
                session["account_id"] = principal.account_id
                session.permanent = True
                g.account = principal
                refresh()  # the rest of this request (the greeting) in the account's language
                flash(_("Angemeldet als %(name)s.", name=principal.display_name))
                return redirect(_safe_next(request.args.get("next"), f"/{service}/"))
            error = _("Benutzername oder Passwort ist falsch.")
        status = 401 if error else (400 if form.errors else 200)
        return render_template("login.html", form=form, error=error), status

    @bp.route(f"/{service}/logout", methods=["POST"])
    def logout():
        session.clear()
        flash(_("Sie sind abgemeldet."))
        return redirect(url_for("web.login"))

    @bp.get(f"/{service}/language/<any({', '.join(LANGUAGES)}):language>")
    def set_language(language):
        """Remember a visitor's language for a year and go back to the page they came from. A GET
        that only sets this cookie: nothing else changes, so it needs no CSRF token. A logged-in
        person changes the account's language instead (which comes first), with a POST."""
        response = redirect(_safe_next(request.args.get("next"), f"/{service}/"))
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_SECONDS, path="/",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
        return response

    @bp.post(f"/{service}/language/<any({', '.join(LANGUAGES)}):language>")
    @login_required
    def set_account_language(language):
        identity().set_language(current_account().account_id, language)
        return redirect(_safe_next(request.form.get("next"), f"/{service}/"))

    bp.teardown_app_request(_close_session)
    return bp


def relay_now(outbox_model) -> None:
    """Publish this service's pending outbox rows right after a commit. Never raises: what
    cannot be published now is picked up by the periodic sweep."""
    from shared import outbox

    try:
        outbox.relay(current_app.extensions["db"], outbox_model, current_app.extensions["celery"],
                     redeliver_after=current_app.config["SETTINGS"].outbox_redeliver_seconds)
    except Exception:  # the commit already happened; the sweep will retry
        current_app.logger.exception("immediate outbox relay failed; left for the sweep")
