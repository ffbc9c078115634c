"""The rooms of the network, and those free for a window."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from shared.web.request_db import db

from services.rooms import domain
from services.rooms.api.blueprint import blp, error
from services.rooms.api.schemas import ErrorOut, FreeQuery, RoomOut
from services.rooms.booking.rooms import ROOM_FIELDS
from services.rooms.db import occupancy, queries
from services.rooms.request_context import ctx, partner_names

ROOM_COLUMNS = ("id", "partner_id", *(f for f in ROOM_FIELDS if f != "active"))  # only offered rooms are shown


def _room_dict(room, partner_name_of) -> dict:
    """A room (entity, or a row of free_rooms: no photos there; the room's own address has them)."""
    photos = [
        {"url": ctx().url(url_for("rooms.photo", digest=p.digest)), "alt": p.alt} for p in getattr(room, "photos", ())
    ]
    return {
        **{c: getattr(room, c) for c in ROOM_COLUMNS},
        "partner_name": partner_name_of(room.partner_id),
        "photos": photos,
    }


def _name_of():
    names = partner_names()
    return lambda partner_id: names.get(partner_id, "")


@blp.get("/rooms")
@blp.response(200, RoomOut(many=True))
def list_rooms():
    """All rooms offered in the network (not those of deactivated partners)."""
    name_of = _name_of()
    return [_room_dict(r, name_of) for r in queries.active_rooms(db(), ctx().inactive_partners)]


@blp.get("/rooms/<int:room_id>")
@blp.response(200, RoomOut)
@blp.alt_response(404, schema=ErrorOut)
def get_room(room_id: int):
    room = queries.room(db(), room_id)
    if room is None:
        return error(404, _("Einen Raum mit der Nummer %(id)s gibt es nicht.", id=room_id))
    return _room_dict(room, _name_of())


@blp.get("/free")
@blp.arguments(FreeQuery, location="query")
@blp.response(200, RoomOut(many=True))
def free(query: dict):
    """Rooms free for the whole window that match the filters."""
    context = ctx()
    rooms = occupancy.free_rooms(
        db(),
        domain.Slot(query["starts_at"], query["ends_at"]),
        query["district"],
        query["capacity"],
        query["equipment"],
        query["step_free"],
        now=context.now,
        tz=context.tz,
        inactive_partners=context.inactive_partners,
    )
    return [_room_dict(r, context.partner_name_of) for r in rooms]
