"""What a use case needs from a Flask request, for the pages and the API alike: the Ctx
(settings, partner names, people from identity) and a session for previews."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g

from shared.auth import identity
from shared.db import autocommit

from services.rooms.booking.context import Ctx


def partner_names() -> dict[int, str]:
    """Partner id -> name, for every partner of the network (one identity query)."""
    return {p["id"]: p["name"] for p in identity().partners()}


def context_of(app: Flask) -> Ctx:
    """A Ctx for one request or one task: the partner names are read once, and each person a
    booking's messages and answers name (booker, recipients) is looked up in identity once."""
    settings = app.config["SETTINGS"]
    store = app.extensions["identity"]
    partners = store.partners()
    names = {p["id"]: p["name"] for p in partners}
    return Ctx(
        public_url=settings.public_url,
        partner_name_of=lambda pid: names.get(pid, ""),
        secret=app.config["SECRET_KEY"],
        tz=ZoneInfo(settings.timezone),
        principal_of=lru_cache(maxsize=256)(store.principal),
        staff_of=store.staff_of,
        inactive_partners=frozenset(p["id"] for p in partners if not p["active"]),
        room_mail_domain=settings.room_mail_domain,
    )


def ctx() -> Ctx:
    """One Ctx a request (kept in flask.g)."""
    if "rooms_ctx" not in g:
        g.rooms_ctx = context_of(current_app)
    return g.rooms_ctx


def preview_session():
    """`with preview_session() as session:` for a booking preview (shared.db.autocommit): it is
    one statement and holds nothing, so it needs no transaction of its own."""
    return autocommit(current_app.extensions["db"])
