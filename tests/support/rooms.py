"""Helpers for the rooms tests (the fixtures stay in tests/rooms/conftest.py): times in Berlin,
form tokens, HTTP Basic headers, row counts, and the use cases run the way the service runs
them, each in its own unit of work."""

from __future__ import annotations

import base64
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from shared.db import transaction

from services.rooms.answers import Answer, describe
from services.rooms.booking import series
from services.rooms.booking.context import Ctx
from services.rooms.domain import Recurrence

BERLIN = ZoneInfo("Europe/Berlin")


def next_week() -> date:
    return (datetime.now(BERLIN) + timedelta(days=7)).date()


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=BERLIN)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def basic(username: str, secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode()}


def count(app, model, *where) -> int:
    with app.extensions["db"]() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def post_booking_form(client, room_id: int, **fields):
    page = client.get(f"/rooms/{room_id}")
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), **fields}
    return client.post(f"/rooms/{room_id}", data=data)


def run(factory, use_case, *args, **kwargs):
    """`use_case(session, *args)` in one unit of work (shared.db.transaction), as the pages and
    the API run it: committed when it returns, rolled back when it raises."""
    with transaction(factory) as session:
        return use_case(session, *args, **kwargs)


def plain_ctx(principals=(), partner_name: str = "") -> Ctx:
    """A Ctx without Flask: these people can be told (by account id), every partner is `partner_name`."""
    by_account = {p.account_id: p for p in principals}
    return Ctx(
        public_url="http://treffpunkt.test", partner_name_of=lambda _pid: partner_name, principal_of=by_account.get
    )


def book_one(factory, booker, room_id: int, starts_at: datetime, ends_at: datetime, title: str, partner_name: str = ""):
    """One date booked through the real booking path (a series of one date)."""
    first = starts_at.astimezone(BERLIN)
    rec = Recurrence(first.date(), first.time(), ends_at.astimezone(BERLIN).time())
    return run(factory, series.book, booker, room_id, rec, title, False, plain_ctx([booker], partner_name))


def answer_for(app, error, partner_name: str = "") -> Answer:
    """What the service answers for a rooms error (answers.describe), in German."""
    with app.test_request_context():
        return describe(error, lambda _pid: partner_name)
