"""JSON API of the rooms service under /api/rooms (flask-smorest, HTTP Basic with app passwords).

flask-smorest's Api would answer every HTTP error of the whole app as JSON; RoomsApi keeps that
to /api/rooms so the HTML pages keep their own error pages."""
from __future__ import annotations

from flask import Blueprint as FlaskBlueprint, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_smorest import Api, Blueprint
from werkzeug.exceptions import HTTPException

from shared.auth import current_account, identity
from shared.web.csrf import csrf
from shared.web.request_db import db

from services.rooms import queries
from services.rooms.schemas import BookingDetailOut, ErrorOut, RoomOut, SeriesIn

PREFIX = "/api/rooms"
blp = Blueprint("rooms_api", __name__, url_prefix=PREFIX, description="Räume und Buchungen")
docs = FlaskBlueprint("rooms_api_docs", __name__)


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


def _default_message(code: int) -> str:
    return {
        400: _("Die Anfrage ist fehlerhaft."), 401: _("Anmeldung nötig."), 403: _("Das dürfen Sie nicht."),
        404: _("Diese Adresse gibt es in der API nicht."), 405: _("Diese Methode ist hier nicht erlaubt."),
        413: _("Die Anfrage ist zu groß."), 415: _("Bitte senden Sie JSON (Content-Type: application/json)."),
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


@blp.before_request
def _basic_auth_only():
    """App passwords only: a browser session must not drive the API (it is CSRF-exempt).
    shared.auth decides by the path (app passwords alone under /api/), checked and throttled once."""
    principal = current_account()
    if principal is None:
        response = error(401, _("Anmeldung nötig: Benutzername und App-Passwort (HTTP Basic)."))
        response.headers["WWW-Authenticate"] = 'Basic realm="Treffpunkt", charset="UTF-8"'
        return response


def _room_dict(room, names: dict[int, str]) -> dict:
    return {**{c: getattr(room, c) for c in ("id", "partner_id", "name", "district", "address", "capacity",
                                              "equipment", "step_free", "description")},
            "partner_name": names.get(room.partner_id, "")}


def _names() -> dict[int, str]:
    return {p["id"]: p["name"] for p in identity().partners()}


@blp.get("/rooms")
@blp.response(200, RoomOut(many=True))
def list_rooms():
    """All rooms offered in the network."""
    names = _names()
    return [_room_dict(r, names) for r in queries.active_rooms(db())]


@blp.get("/rooms/<int:room_id>")
@blp.response(200, RoomOut)
@blp.alt_response(404, schema=ErrorOut)
def get_room(room_id: int):
    room = queries.room(db(), room_id)
    if room is None:
        return error(404, _("Einen Raum mit der Nummer %(id)s gibt es nicht.", id=room_id))
    return _room_dict(room, _names())


@blp.post("/bookings")
@blp.arguments(SeriesIn)
@blp.response(201, BookingDetailOut)
@blp.alt_response(409, schema=ErrorOut, description="Der Raum ist zu dieser Zeit schon belegt.")
@blp.alt_response(404, schema=ErrorOut)
def create_booking(data: dict):
    """Book one slot or a series (recurrence); times in ISO 8601 with offset, half-open
    [starts_at, ends_at) = the first date. Any conflicting date fails the whole series (409,
    listed in conflicts): leave it out with skip, or change the time."""
    from services.rooms.api_series import book_series

    return book_series(data)


@blp.get("/bookings")
@blp.response(200, BookingDetailOut(many=True))
def my_bookings():
    """The bookings made with this account."""
    return queries.bookings_of(db(), g.account.account_id)


@blp.get("/bookings/<int:booking_id>")
@blp.response(200, BookingDetailOut)
@blp.alt_response(404, schema=ErrorOut)
def get_booking(booking_id: int):
    booking = queries.booking_for(db(), booking_id, g.account)
    if booking is None:
        return error(404, _("Eine Buchung mit der Nummer %(id)s gibt es nicht (oder sie gehört einem anderen Partner).", id=booking_id))
    return booking


@docs.get(PREFIX + "/")
@docs.get(PREFIX + "/docs")
def api_docs():
    """Self-hosted overview (Swagger UI and ReDoc need a CDN that may be unreachable)."""
    spec = current_app.extensions["rooms_api"].spec.to_dict()
    return render_template("rooms/api_docs.html", spec=spec, spec_url=PREFIX + "/openapi.json")


def init_app(app) -> None:
    app.config.update({"ROOMS_API_OPENAPI_URL_PREFIX": PREFIX, "ROOMS_API_OPENAPI_JSON_PATH": "openapi.json"})
    api = RoomsApi(app, config_prefix="ROOMS_API", spec_kwargs={
        "title": "Treffpunkt Raumbörse API", "version": "1", "openapi_version": "3.0.3",
        "info": {"description": "HTTP Basic mit Benutzername und App-Passwort. Zeiten in ISO 8601 mit Offset."},
        "security": [{"basic": []}]})
    api.spec.components.security_scheme("basic", {"type": "http", "scheme": "basic"})
    csrf.exempt(blp)
    from services.rooms import api_series  # noqa: F401  (adds its routes to blp)

    api.register_blueprint(blp)
    app.register_blueprint(docs)
    app.extensions["rooms_api"] = api
