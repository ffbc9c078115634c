"""Web pages of the Engagementbörse: thin, they parse, call the use case and render.

public.py: find, read, offer help, confirm; mine.py: a volunteer's own page by their link."""

from __future__ import annotations

from werkzeug.exceptions import NotFound as PageNotFound

from shared.web.error_pages import error_page

from services.engagement.exchange.errors import NotFound
from services.engagement.web import figures, interest, mine, public, sponsorships, wording


def init_app(app) -> None:
    app.register_blueprint(public.bp)
    app.register_blueprint(mine.bp)
    app.register_blueprint(interest.bp)
    app.register_blueprint(sponsorships.bp)  # Patenschaften and families (login)
    app.register_blueprint(figures.bp)  # the office's figures
    wording.init_app(app)
    # a use case that finds nothing (an unknown or unpublished opportunity) is the page's 404
    app.register_error_handler(NotFound, lambda _exc: error_page(PageNotFound()))
