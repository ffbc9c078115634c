"""JSON API of the rooms service under /api/rooms (flask-smorest, HTTP Basic with app passwords),
one module per resource: rooms, bookings, approvals, rules, audit.

flask-smorest's Api would answer every HTTP error of the whole app as JSON; RoomsApi keeps that
to /api/rooms so the HTML pages keep their own error pages."""

from __future__ import annotations

from flask import Blueprint as FlaskBlueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from shared.web.csrf import csrf

# their routes join blp in this order, which is the order of the OpenAPI document and the docs page
from services.rooms.api import approvals, audit, bookings, rooms, rules  # noqa: F401
from services.rooms.api.blueprint import PREFIX, blp, error

docs = FlaskBlueprint("rooms_api_docs", __name__)


def _default_message(code: int) -> str:
    return {
        400: _("Die Anfrage ist fehlerhaft."),
        401: _("Anmeldung nötig."),
        403: _("Das dürfen Sie nicht."),
        404: _("Diese Adresse gibt es in der API nicht."),
        405: _("Diese Methode ist hier nicht erlaubt."),
        413: _("Die Anfrage ist zu groß."),
        415: _("Bitte senden Sie JSON (Content-Type: application/json)."),
    }.get(code, _("Ein Fehler ist aufgetreten (%(code)s). Bitte versuchen Sie es später noch einmal.", code=code))


class RoomsApi(Api):
    def _register_error_handlers(self):
        self._app.register_error_handler(HTTPException, self._json_errors_for_api)

    def _json_errors_for_api(self, exc: HTTPException):
        if not (request.path == PREFIX or request.path.startswith(PREFIX + "/")):
            return exc  # pages: shared/web.py's error page for the common codes, werkzeug's otherwise
        data = getattr(exc, "data", None) or {}
        errors = data.get("errors") or data.get("messages") or {}
        if len(errors) == 1 and set(errors) <= {"json", "query"} and isinstance(next(iter(errors.values())), dict):
            errors = next(iter(errors.values()))  # webargs nests errors under their location (body or query)
        if exc.code == 400 and errors.get("json") == ["Invalid JSON body."]:
            message, errors = _("Der Inhalt ist kein gültiges JSON."), {"json": [_("Kein gültiges JSON.")]}
        elif exc.code == 422:
            message = _("Die Angaben sind unvollständig oder fehlerhaft; Details stehen in errors.")
        else:
            message = data.get("message") or _default_message(exc.code or 500)
        response = error(exc.code or 500, str(message), errors)
        for name, value in (data.get("headers") or {}).items():
            response.headers[name] = value
        return response


@docs.get(PREFIX + "/")
@docs.get(PREFIX + "/docs")
def api_docs():
    """Self-hosted overview (Swagger UI and ReDoc need a CDN that may be unreachable)."""
    spec = current_app.extensions["rooms_api"].spec.to_dict()
    return render_template("rooms/api_docs.html", spec=spec, spec_url=PREFIX + "/openapi.json")


def init_app(app) -> None:
    app.config.update({"ROOMS_API_OPENAPI_URL_PREFIX": PREFIX, "ROOMS_API_OPENAPI_JSON_PATH": "openapi.json"})
    api = RoomsApi(
        app,
        config_prefix="ROOMS_API",
        spec_kwargs={
            "title": "Treffpunkt Raumbörse API",
            "version": "1",
            "openapi_version": "3.0.3",
            "info": {"description": "HTTP Basic mit Benutzername und App-Passwort. Zeiten in ISO 8601 mit Offset."},
            "security": [{"basic": []}],
        },
    )
    api.spec.components.security_scheme("basic", {"type": "http", "scheme": "basic"})
    csrf.exempt(blp)
    api.register_blueprint(blp)
    app.register_blueprint(docs)
    app.extensions["rooms_api"] = api
