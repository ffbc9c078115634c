"""The blueprint every resource of the rooms API adds its routes to, who may use it (app
passwords only), and its answers: JSON errors from answers.describe. Reads use the request's
read session (shared.web.db); every write runs in one unit of work (act), previews in
request_context.preview_session."""

from __future__ import annotations

from collections.abc import Callable

from flask import g, jsonify
from flask_babel import gettext as _
from flask_smorest import Blueprint

from shared.auth import current_account
from shared.web.request_db import unit_of_work

from services.rooms.answers import describe
from services.rooms.booking.context import Ctx
from services.rooms.booking.errors import RoomsError
from services.rooms.request_context import ctx

PREFIX = "/api/rooms"
blp = Blueprint("rooms_api", __name__, url_prefix=PREFIX, description="Räume und Buchungen")


def error(status: int, message: str, errors: dict | None = None, **extra):
    response = jsonify(message=str(message), errors=_lists(errors or {}), **extra)
    response.status_code = status
    return response


def _lists(errors):
    """Every leaf a list of strings (marshmallow keeps lazy translated messages unwrapped)."""
    if isinstance(errors, dict):
        return {str(k): _lists(v) for k, v in errors.items()}
    if isinstance(errors, (list, tuple)):
        return [str(v) if not isinstance(v, dict) else _lists(v) for v in errors]
    return [str(errors)]


def refused(exc: RoomsError, context: Ctx):
    """The 4xx answer for a use case's error: message, errors and data as answers.describe words them."""
    answer = describe(exc, context.partner_name_of)
    return error(answer.status, answer.text, answer.errors, **answer.data)


def act(use_case: Callable[..., object]):
    """Run `use_case(session, account, context)` in one unit of work: its result, or the error answer."""
    context = ctx()
    try:
        with unit_of_work() as session:
            return use_case(session, g.account, context)
    except RoomsError as exc:
        return refused(exc, context)


@blp.before_request
def _basic_auth_only():
    """App passwords only: a browser session must not drive the API (it is CSRF-exempt).
    shared.auth decides by the path (app passwords alone under /api/), checked and throttled once."""
    principal = current_account()
    if principal is None:
        response = error(401, _("Anmeldung nötig: Benutzername und App-Passwort (HTTP Basic)."))
        response.headers["WWW-Authenticate"] = 'Basic realm="Treffpunkt", charset="UTF-8"'
        return response
