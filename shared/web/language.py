"""Which language a reader gets: the account's, else the visitor's choice from the language
link (a cookie), else the browser's, else German (the source language; English comes from
shared/translations/en)."""

from __future__ import annotations

from flask import current_app, has_request_context, redirect, request
from flask_babel import Babel
from werkzeug.wrappers import Response

from shared.auth import current_account, identity
from shared.identity.models import LANGUAGES
from shared.web.login import safe_next

babel = Babel()
LANGUAGE_COOKIE = "treffpunkt_language"
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600


def reader_language() -> str | None:
    """Flask-Babel's locale selector. None outside a request (a worker): its default, German."""
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


def remember_choice(service: str, language: str) -> Response:
    """Remember a visitor's language for a year and go back to the page they came from. A GET
    that only sets this cookie: nothing else changes, so it needs no CSRF token. A logged-in
    person changes the account's language instead (which comes first), with a POST."""
    response = redirect(safe_next(request.args.get("next"), f"/{service}/"))
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=LANGUAGE_COOKIE_SECONDS,
        path="/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def set_account_language(service: str, language: str) -> Response:
    """The logged-in person's language, kept with the account (the caller checks the login)."""
    account = current_account()
    assert account is not None  # behind login_required
    identity().set_language(account.account_id, language)
    return redirect(safe_next(request.form.get("next"), f"/{service}/"))
