"""Web pages of the rooms service (Raumbörse): thin, they parse, ask the domain's permission,
call the use case and render.

search.py: find a free room; book.py: room page with series preview and booking; mine.py:
"Meine Buchungen" (cancel, change, re-add); owner.py: "Meine Räume" (rules, closures); admin.py:
offer, edit and retire rooms, their photos; requests.py: the approval queue; figures.py: the
office's figures; cancel_link.py: the one-click cancel link of reminders."""

from __future__ import annotations

from shared.web import figures as shared_figures

from services.rooms import wording
from services.rooms.web import admin, book, cancel_link, figures, mine, owner, requests, search  # noqa: F401  (their routes join bp)
from services.rooms.web.blueprint import bp


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(cancel_link.bp)
    app.jinja_env.filters.setdefault("equipment_label", wording.equipment_label)
    app.jinja_env.filters.setdefault("day", wording.day)
    shared_figures.init_app(app)
