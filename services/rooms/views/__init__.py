"""Web pages of the rooms service (Raumbörse): thin, they call the operations and render.

search.py: find a free room; book.py: room page with series preview and booking;
mine.py: "Meine Buchungen" (cancel, change, re-add); owner.py: "Meine Räume" (rules,
closures, approval queue)."""
from __future__ import annotations

from datetime import date, datetime, time

from flask import Blueprint, request

from shared.auth import identity

from services.rooms.domain import day_in_range

bp = Blueprint("rooms", __name__, url_prefix="/rooms", static_folder="../static",
               static_url_path="/static/rooms")


def partner_names() -> dict[int, str]:
    return {p["id"]: p["name"] for p in identity().partners()}


def partner_name(partner_id: int) -> str:
    return (identity().partner(partner_id) or {}).get("name", "")


def day_arg(name: str) -> date | None:
    """A day from the query string (links: ?woche=, ?date=), or None when missing, mangled or
    outside the days the service computes with (a link is a hint, not a form to answer)."""
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return day if day_in_range(day) else None


def clock_arg(name: str) -> time | None:
    """A wall-clock time "15:00" from the query string, or None."""
    try:
        return datetime.strptime(request.args.get(name, ""), "%H:%M").time()
    except ValueError:
        return None


def init_app(app) -> None:
    from services.rooms import api, cancel_link, messages
    from services.rooms.views import book, mine, owner, search  # noqa: F401  (routes register on bp)

    app.register_blueprint(bp)
    app.register_blueprint(cancel_link.bp)
    api.init_app(app)
    app.jinja_env.filters.setdefault("equipment_label", messages.equipment_label)
    app.jinja_env.filters.setdefault("day", messages.day)
