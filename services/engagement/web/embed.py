"""The Engagementbörse on other websites (the city's, a partner's): the newest opportunities of
a choice of the search's filters, as a small page any site may show in an iframe
(/engagement/embed), and a page for whoever runs such a site with the code to copy
(/engagement/embed/hilfe). Every link leaves the frame; no form, no login in it."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from shared.web.headers import allow_framing
from shared.web.request_db import db

from services.engagement.domain import search as rules
from services.engagement.exchange import listing
from services.engagement.web.context import ctx, partner_names
from services.engagement.web.public import FACETS, chosen, kept

bp = Blueprint("engagement_embed", __name__)
DEFAULT_LIMIT, MAX_LIMIT = 5, 20


def _limit(values: MultiDict) -> int | None:
    raw = values.get("anzahl", "")
    if not raw:
        return DEFAULT_LIMIT
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= MAX_LIMIT else None


@bp.get("/engagement/embed")
def frame():
    query = rules.Query(**chosen(request.args))
    limit = _limit(request.args)
    bad = bool(rules.query_problems(query)) or limit is None
    hits = [] if bad else listing.search(db(), ctx(), query, kept())[: limit or 0]
    arguments = request.query_string.decode()
    everything = url_for("engagement.index") + (f"?{arguments}" if arguments else "")
    page = render_template(
        "engagement/embed.html",
        hits=hits,
        partners=partner_names(),
        bad=bad,
        everything=everything,
        max_limit=MAX_LIMIT,
    )
    return allow_framing(Response(page, 400 if bad else 200, content_type="text/html; charset=utf-8"))


@bp.get("/engagement/embed/hilfe")
def help_page():
    arguments = request.query_string.decode()
    address = request.host_url.rstrip("/") + url_for("engagement_embed.frame") + (f"?{arguments}" if arguments else "")
    query = rules.Query(**chosen(request.args))
    return render_template("engagement/embed_help.html", address=address, facets=FACETS, query=query)
