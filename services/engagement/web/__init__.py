"""Web pages of the Engagementbörse: thin, they parse, call the use case and render.

public.py: find, read, offer help, confirm; interest.py: "tell me when something fits";
mine.py: a volunteer's own page by their link; partner.py, partner_inbox.py,
partner_shifts.py, shift_message.py, records.py, sponsorships.py: the partners' and the
office's pages (login); figures.py: the office's figures."""

from __future__ import annotations

from werkzeug.exceptions import NotFound as PageNotFound

from shared.web.error_pages import error_page

from services.engagement.exchange.errors import NotFound
from services.engagement.web import (
    embed,
    figures,
    interest,
    mine,
    partner,
    partner_inbox,
    partner_shifts,
    partner_wording,
    public,
    records,
    shift_message,
    sponsorships,
    wording,
)

PUBLIC = (public, mine, interest, embed)
SIGNED_IN = (partner, partner_inbox, partner_shifts, shift_message, records, sponsorships, figures)


def init_app(app) -> None:
    for pages in (*PUBLIC, *SIGNED_IN):
        app.register_blueprint(pages.bp)
    partner_wording.init_app(app)
    wording.init_app(app)
    # a use case that finds nothing (an unknown or unpublished opportunity) is the page's 404
    app.register_error_handler(NotFound, lambda _exc: error_page(PageNotFound()))
