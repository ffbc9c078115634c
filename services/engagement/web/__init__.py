"""Web pages of the Engagementbörse: thin, they parse, call the use case and render.

public.py: find, read, offer help, confirm; mine.py: a volunteer's own page by their link;
partner.py, partner_inbox.py, partner_shifts.py: the partners' and the office's pages (login)."""

from __future__ import annotations

from services.engagement.web import mine, partner, partner_inbox, partner_shifts, partner_wording, public, wording


def init_app(app) -> None:
    app.register_blueprint(public.bp)
    app.register_blueprint(mine.bp)
    for pages in (partner, partner_inbox, partner_shifts):  # the partners' and the office's side
        app.register_blueprint(pages.bp)
    partner_wording.init_app(app)
    wording.init_app(app)
