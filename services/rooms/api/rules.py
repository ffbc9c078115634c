"""A room's rules and closures, for the owner's side."""

from __future__ import annotations

from flask import g

from shared.web.request_db import db

from services.rooms.api.blueprint import act, blp, refused
from services.rooms.api.schemas import RulesIO
from services.rooms.booking import rules
from services.rooms.booking.errors import RoomsError
from services.rooms.request_context import ctx


@blp.get("/rooms/<int:room_id>/rules")
@blp.response(200, RulesIO)
def get_rules(room_id: int):
    try:
        return rules.get_rules(db(), g.account, room_id)
    except RoomsError as exc:
        return refused(exc, ctx())


@blp.put("/rooms/<int:room_id>/rules")
@blp.arguments(RulesIO)
@blp.response(200, RulesIO)
def put_rules(data: dict, room_id: int):
    """Room owner: opening hours, closures, durations, lead time, buffer, approval."""
    return act(lambda session, me, _context: rules.put_rules(session, me, room_id, data))
