"""The base app factory: a Flask app for one service with everything but its own views.

Nothing connects here: engines are lazy, the broker is only contacted when a message is sent."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from shared import logs, signed_links
from shared.auth import check_program_credentials, current_account
from shared.config import Settings, secret_problem
from shared.db import make_engine, make_session_factory, shared_engine
from shared.identity.store import IdentityStore
from shared.identity.throttle import throttle_for
from shared.ids import IdConverter
from shared.metrics import endpoint as metrics
from shared.metrics.http import MeteredFlask
from shared.web import error_pages, form_errors, health, pages, request_body, request_db, request_ids
from shared.web.csrf import csrf
from shared.web.headers import security_headers
from shared.web.language import babel, reader_language
from shared.web.moments import local_moment

SHARED = Path(__file__).resolve().parent.parent
MAX_CONTENT_LENGTH = 2 * 1024 * 1024
STATEMENT_TIMEOUT_MS = 30_000  # far above any statement of a request or task; a runaway one ends


def create_base_app(import_name: str, service: str, config: dict[str, Any] | None = None) -> Flask:
    """`config` may carry SETTINGS (a shared.config.Settings; else from the environment) and
    Flask keys. Outside demo mode a public or short SECRET_KEY refuses to start."""
    config = dict(config or {})
    settings = config.pop("SETTINGS", None) or Settings.from_env()
    if not settings.demo and (problem := secret_problem(settings.secret_key)):
        raise RuntimeError(problem)
    logs.configure(settings.log_format, service)  # before app.logger is first asked for below
    app = MeteredFlask(import_name)  # every request measured, whatever middleware wraps it (shared/metrics)
    app.url_map.converters["int"] = IdConverter  # every <int:…> is a database id (shared/ids.py)
    if settings.trusted_proxies:  # the client address (login throttle) and scheme as the proxy saw them
        # Flask's documented way to add WSGI middleware, though Flask's annotations make wsgi_app a method
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies
        )
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
        BABEL_TRANSLATION_DIRECTORIES=str(SHARED / "translations"),
        BABEL_DEFAULT_TIMEZONE=settings.timezone,
    )
    app.config.update(config)
    pooled = {"statement_timeout_ms": STATEMENT_TIMEOUT_MS, "pool_size": settings.db_pool_size}
    engine = make_engine(settings.database_url(service), **pooled)
    app.extensions["db"] = make_session_factory(engine)
    app.extensions["db_engine"] = engine
    identity_engine = shared_engine(settings.identity_database_url, **pooled)
    app.extensions["identity"] = IdentityStore(
        make_session_factory(identity_engine),
        session_idle=timedelta(minutes=settings.session_idle_minutes),
        session_max=timedelta(hours=settings.session_max_hours),
    )
    app.extensions["login_throttle"] = throttle_for(settings.broker_url)
    request_ids.init_app(app)  # first: the other hooks' log lines carry the request id
    app.before_request(check_program_credentials)
    app.after_request(security_headers(secure=app.config["SESSION_COOKIE_SECURE"]))
    signed_links.redact_log(app.logger)  # "Exception on /rooms/cancel/<token>"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=reader_language)
    app.register_blueprint(pages.blueprint(service))
    request_db.init_app(app)
    request_body.init_app(app)
    error_pages.init_app(app)
    health.init_app(app, service)
    metrics.init_app(app, service)
    app.jinja_env.globals.update(current_account=current_account, get_locale=get_locale)
    app.jinja_env.globals.update(invalid_fields=form_errors.invalid_fields, takes_focus=form_errors.takes_focus)
    app.jinja_env.filters["local"] = local_moment
    return app
