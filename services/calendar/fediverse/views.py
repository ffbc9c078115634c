"""The fediverse's addresses: WebFinger and NodeInfo under /.well-known/, the rest under /ap/.
Thin: find the actor, ask the store, answer JSON. Inboxes check the signature here (a forged
activity is refused with 401 before anything is queued) and leave the work to Celery (202)."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from flask import Blueprint, Response, current_app, redirect, request
from werkzeug.exceptions import HTTPException

from shared.clock import utcnow
from shared.messaging import publish
from shared.web.csrf import csrf
from shared.web.request_db import db, unit_of_work

from services.calendar.domain import activitystreams as as2, inbound_activity as inbound
from services.calendar.domain.http_signatures import SignatureError
from services.calendar.fediverse import actors, inbox
from services.calendar.store.sql_fediverse import Fediverse, loads

log = logging.getLogger(__name__)
bp = Blueprint("fediverse", __name__)
csrf.exempt(bp)  # servers sign their requests; there are no forms here
MAX_ACTIVITY = 1_000_000
PAGE = 20
JRD = "application/jrd+json"
NODEINFO = "http://nodeinfo.diaspora.software/ns/schema/2.1"
ACTIVITY_KEY = re.compile(r"\A[0-9a-f]{32}\Z")  # uuid4().hex (federate.send)


def _json(data: Any, status: int = 200, content_type: str = as2.ACTIVITY_TYPES[0]) -> Response:
    body = json.dumps(data, ensure_ascii=False)
    response = Response(body, status=status, content_type=f"{content_type}; charset=utf-8")
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _problem(status: int, message: str) -> Response:
    return _json({"error": message}, status, "application/json")


def _wants_html() -> bool:
    """A browser: HTML preferred over every ActivityPub type (content negotiation)."""
    accept = request.accept_mimetypes
    best = accept.best_match(["text/html", "application/activity+json", "application/ld+json", "application/json"])
    return best == "text/html" and accept["text/html"] > accept["application/activity+json"]


def _actor(name: str):
    found = actors.find(db(), name.lower()) if as2.valid_name(name.lower()) else None
    if found is None:
        raise _NotFound("Diesen Akteur gibt es hier nicht.")
    db().commit()  # an actor made on first use
    return found


class _NotFound(HTTPException):
    code = 404

    def get_response(self, environ=None, scope=None):
        return _problem(404, self.description or "Nicht gefunden.")


@bp.get("/.well-known/webfinger")
def webfinger():
    resource = request.args.get("resource", "")[:500]
    if not resource:
        return _problem(400, "Bitte resource=acct:name@host angeben.")
    urls = actors.urls()
    name = inbound.our_name(urls, resource) or as2.webfinger_name(resource, urls.host)
    if name is None:
        return _problem(404, "Dieses Konto gibt es hier nicht.")
    actor = _actor(name)
    return _json(as2.webfinger(urls, actor.name), content_type=JRD)


@bp.get("/.well-known/nodeinfo")
def nodeinfo_links():
    href = actors.urls().base + "/ap/nodeinfo/2.1"
    return _json({"links": [{"rel": NODEINFO, "href": href}]}, content_type="application/json")


@bp.get("/ap/nodeinfo/2.1")
def nodeinfo():
    store = Fediverse(db())
    data = as2.nodeinfo(store.actor_count(), store.events_count(), "1.0")
    return _json(data, content_type=f'application/json; profile="{NODEINFO}#"')


@bp.get("/ap/actors/<name>")
def actor(name: str):
    found = _actor(name)
    info = actors.info(found)
    if _wants_html():
        return redirect(info.page, 303)
    return _json(as2.actor_document(actors.urls(), info, found.public_key_pem))


@bp.get("/ap/actors/<name>/outbox")
def outbox(name: str):
    found = _actor(name)
    urls = actors.urls()
    store = Fediverse(db())
    collection = urls.outbox(found.name)
    if request.args.get("page") is None:
        return _json(as2.ordered_collection(collection, store.outbox_count(found.id), collection + "?page=true"))
    before = request.args.get("before", type=int)
    if before is not None and not 0 < before < 2**31:
        return _problem(400, "before muss eine Zahl zwischen 1 und 2147483647 sein.")
    rows = store.outbox_page(found.id, before, PAGE)
    following = f"{collection}?page=true&before={rows[-1].id}" if len(rows) == PAGE else None
    this = f"{collection}?page=true" + (f"&before={before}" if before else "")
    items = [{k: v for k, v in loads(r.document).items() if k != "@context"} for r in rows]
    return _json(as2.collection_page(this, collection, items, following, None))


@bp.get("/ap/actors/<name>/followers")
def followers(name: str):
    """The count only: who follows whom is the followers' business (as Mastodon hides it)."""
    found = _actor(name)
    return _json(
        as2.ordered_collection(actors.urls().followers(found.name), Fediverse(db()).followers_count(found.id), None)
    )


@bp.get("/ap/events/<int:offering_id>")
def event(offering_id: int):
    known = Fediverse(db()).event(offering_id)
    if known is None:
        return _problem(404, "Dieses Angebot wurde nicht im Fediverse veröffentlicht.")
    if _wants_html() and not known.deleted:
        return redirect(actors.urls().offering_page(offering_id), 303)
    return _json(loads(known.document), 410 if known.deleted else 200)


@bp.get("/ap/activities/<key>")
def activity(key: str):
    found = Fediverse(db()).activity(key) if ACTIVITY_KEY.match(key) else None
    if found is None or not found.public:
        return _problem(404, "Diese Aktivität gibt es hier nicht.")
    return _json(loads(found.document))


@bp.post("/ap/inbox")
def shared_inbox():
    return _receive()


@bp.post("/ap/actors/<name>/inbox")
def actor_inbox(name: str):
    _actor(name)
    return _receive()


def _receive() -> Response:
    if (request.content_length or 0) > MAX_ACTIVITY:
        return _problem(413, "Die Aktivität ist zu groß (höchstens 1 MB).")
    body = request.stream.read(MAX_ACTIVITY + 1)
    if len(body) > MAX_ACTIVITY:
        return _problem(413, "Die Aktivität ist zu groß (höchstens 1 MB).")
    try:
        activity = json.loads(body)
        sender = inbound.sender(activity)
    except (ValueError, RecursionError) as exc:  # inbound.Malformed is a ValueError; nesting too deep
        message = str(exc) if isinstance(exc, inbound.Malformed) else "Der Inhalt ist kein gültiges JSON."
        return _problem(400, message)
    headers = {k.lower(): v for k, v in request.headers.items()}
    target = request.full_path if request.query_string else request.path
    try:
        with unit_of_work() as session:
            inbox.verify(session, request.method, target, headers, body, sender, utcnow())
    except SignatureError as exc:
        if exc.code == "key" and activity.get("type") == "Delete" and inbound.ident(activity.get("object")) == sender:
            # a deleted account's key is gone with it: nothing to check and nothing to do
            # (its follows are dropped when a delivery to it is refused), but no reason to retry
            return Response(status=202)
        log.info("fediverse: refused an activity from %s: signature %s", sender[:200], exc.code)
        return _problem(401, f"Die Signatur der Anfrage ist nicht gültig ({exc.code}).")
    try:
        publish(current_app.extensions["celery"], "calendar.receive_activity", {"activity": activity}, "calendar")
    except Exception:  # the broker is away: the sender retries later, as servers do
        log.exception("fediverse: an activity could not be queued")
        return _problem(503, "Die Aktivität kann gerade nicht angenommen werden, bitte später erneut senden.")
    return Response(status=202)
