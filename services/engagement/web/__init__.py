"""Web pages of the Engagementbörse: thin, they parse, call the use case and render.

public.py: find, read, offer help, confirm; mine.py: a volunteer's own page by their link."""

from __future__ import annotations

from services.engagement.web import mine, public, wording


def init_app(app) -> None:
    app.register_blueprint(public.bp)
    app.register_blueprint(mine.bp)
    wording.init_app(app)
