"""The blueprint of the rooms pages, what their links carry, and how a page words a refusal.

Pages that only read use the request's read session (shared.web.db). A page that changes
something does the reads its change depends on and the change in one `with unit_of_work()`,
and touches db() only after that block, to show the result (on SQLite, make run, a transaction
holds the database's write lock: a read session opened before would block the change)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from flask import Blueprint, abort, request
from sqlalchemy.orm import Session

from shared.auth import current_account
from shared.identity.store import Principal
from shared.web.request_db import db, unit_of_work

from services.rooms.answers import INVALID_INPUT, Answer, describe
from services.rooms.booking.context import Ctx
from services.rooms.booking.errors import RoomsError
from services.rooms.db import queries
from services.rooms.db.models import Room
from services.rooms.domain import day_in_range

bp = Blueprint("rooms", __name__, url_prefix="/rooms", static_folder="../static", static_url_path="/static/rooms")


@dataclass(frozen=True)
class PageError:
    """A refusal as a page shows it: the words, and answers.describe's code in the error box's
    data-code (for programs and tests; people read the words)."""

    text: str
    code: str

    def __str__(self) -> str:
        return self.text


def shown(answer: Answer, with_details: bool = True) -> PageError:
    """The refusal for the error box; the details (each date in the way) unless the page lists
    the dates itself."""
    return PageError(answer.sentence() if with_details else answer.text, answer.code)


def refusal(exc: RoomsError, context: Ctx) -> Answer:
    """answers.describe for a page. An unknown room or booking shows the not-found page; refused
    input answers 400, as every form of the pages does (the API says 422)."""
    answer = describe(exc, context.partner_name_of)
    if answer.status == 404:
        abort(404)
    return replace(answer, status=400) if answer.code == INVALID_INPUT else answer


def signed_in() -> Principal:
    """The viewer of a @login_required page (the decorator sent everyone else to the login form)."""
    me = current_account()
    assert me is not None, "only for @login_required pages"
    return me


def managed_room(room_id: int, may: Callable[[Room, Principal | None], bool], retired_too: bool = False) -> Room:
    """The room, if the viewer's side `may` manage it; else the not-found or refused page. Retired
    rooms count only with `retired_too` (their administration; their rules are over)."""
    room = (queries.any_room if retired_too else queries.room)(db(), room_id)
    if room is None:
        abort(404)
    if not may(room, current_account()):
        abort(403)
    return room


def attempt(use_case: Callable[[Session], object], context: Ctx) -> tuple[object | None, Answer | None]:
    """`use_case(session)` in one unit of work: (its result, None), or (None, the refusal) after
    the block rolled back."""
    try:
        with unit_of_work() as session:
            return use_case(session), None
    except RoomsError as exc:
        return None, refusal(exc, context)


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
