"""An offering's room wish (rooms.book_for_offering) followed date by date in its booking: a date
the calendar puts back is booked again, a moved date is booked at its new time, a longer series
books the further dates, each where the room is free and under the room's approval; the days
the room is taken on are told back, and the rest of the booking stays as it was."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy.orm import sessionmaker

from shared import contracts

from services.accounts.admin import partners as partner_admin
from services.rooms.booking import decide, for_offering
from services.rooms.db.models import Booking
from services.rooms.request_context import context_of

from tests.support.rooms import BERLIN, at, book_one, next_week, run

UID = "angebot-1@treffpunkt-jena.de"
FIRST = next_week() + timedelta(days=7)
DAYS = [FIRST + timedelta(weeks=n) for n in range(4)]


def _repeat(until: date = DAYS[-1], skip=(), extra=()) -> dict:
    return {
        "first_day": FIRST,
        "start": time(10),
        "end": time(12),
        "freq": "weekly",
        "until": until,
        "skip": list(skip),
        "extra_dates": [{"starts_at": at(day, hh), "ends_at": at(day, hh + 2)} for day, hh in extra],
    }


@pytest.fixture
def wish(rooms_app, people):
    sequence = iter(range(1, 100))

    def send(room_id: int, repeat: dict, uid: str = UID) -> for_offering.Answer:
        payload = contracts.build(
            "rooms.book_for_offering",
            offering_uid=uid,
            sequence=next(sequence),
            room_id=room_id,
            account_id=people["otto"]["id"],
            partner_id=people["otto"]["partner_id"],
            title="Kochkurs für Väter",
            repeat=repeat,
        )
        message = contracts.load("rooms.book_for_offering", payload)
        with rooms_app.app_context():
            return run(rooms_app.extensions["db"], for_offering.wish, message, context_of(rooms_app))

    return send


def _dates(rooms_app, uid: str = UID) -> dict:
    """(local day, start hour) -> state of the offering's live booking; and its id."""
    with rooms_app.extensions["db"]() as s:
        (booking,) = s.query(Booking).filter(Booking.offering_uid == uid).all()
        local = [o.starts_at.astimezone(BERLIN) for o in booking.occurrences]
        states = {(start.date(), start.hour): o.state for start, o in zip(local, booking.occurrences)}
        return {"id": booking.id, "status": booking.status, "dates": states}


def _lena_books(rooms_app, people, room_id: int, day: date, hh: int) -> None:
    lena = rooms_app.extensions["identity"].principal(people["lena"]["id"])
    book_one(rooms_app.extensions["db"], lena, room_id, at(day, hh), at(day, hh + 2), "Elterncafé")


def test_a_date_put_back_is_booked_again_in_the_same_booking(rooms_app, rooms, wish):
    first = wish(rooms["kueche"], _repeat())
    assert first.state == "booked"
    assert wish(rooms["kueche"], _repeat(skip=[DAYS[1]])).state == "booked"
    assert _dates(rooms_app)["dates"][(DAYS[1], 10)] == "cancelled"

    again = wish(rooms["kueche"], _repeat())
    assert (again.state, again.booking_id, again.taken) == ("booked", first.booking_id, ())
    after = _dates(rooms_app)
    assert after["id"] == first.booking_id and set(after["dates"].values()) == {"valid"} and len(after["dates"]) == 4


def test_a_date_put_back_where_the_room_was_taken_meanwhile_is_told_back_and_the_rest_kept(
    rooms_app, rooms, people, wish
):
    first = wish(rooms["kueche"], _repeat(skip=[DAYS[1]]))
    _lena_books(rooms_app, people, rooms["kueche"], DAYS[1], 10)

    again = wish(rooms["kueche"], _repeat())
    assert (again.state, again.booking_id, again.reason, again.taken) == (
        "booked",
        first.booking_id,
        "taken",
        (DAYS[1],),
    )
    dates = _dates(rooms_app)["dates"]
    assert [dates[(d, 10)] for d in (DAYS[0], DAYS[2], DAYS[3])] == ["valid"] * 3
    assert dates[(DAYS[1], 10)] == "skipped"


def test_a_moved_date_is_booked_at_its_new_time_or_told_back_when_that_is_taken(rooms_app, rooms, people, wish):
    first = wish(rooms["kueche"], _repeat())
    moved = wish(rooms["kueche"], _repeat(skip=[DAYS[1]], extra=[(DAYS[1], 15)]))
    assert (moved.state, moved.booking_id, moved.taken) == ("booked", first.booking_id, ())
    dates = _dates(rooms_app)["dates"]
    assert dates[(DAYS[1], 15)] == "valid" and dates[(DAYS[1], 10)] == "cancelled"

    _lena_books(rooms_app, people, rooms["kueche"], DAYS[2], 15)
    taken = wish(rooms["kueche"], _repeat(skip=[DAYS[1], DAYS[2]], extra=[(DAYS[1], 15), (DAYS[2], 15)]))
    assert (taken.state, taken.reason, taken.taken) == ("booked", "taken", (DAYS[2],))
    dates = _dates(rooms_app)["dates"]
    assert dates[(DAYS[1], 15)] == "valid" and dates[(DAYS[2], 10)] == "cancelled" and (DAYS[2], 15) not in dates


def test_a_new_wish_books_its_moved_dates_with_the_series_or_is_refused_with_them(rooms_app, rooms, people, wish):
    booked = wish(rooms["club"], _repeat(skip=[DAYS[0]], extra=[(DAYS[0], 16)]), uid="angebot-2@treffpunkt-jena.de")
    assert booked.state == "booked"
    dates = _dates(rooms_app, "angebot-2@treffpunkt-jena.de")["dates"]
    assert dates[(DAYS[0], 16)] == "valid" and dates[(DAYS[0], 10)] == "skipped"

    _lena_books(rooms_app, people, rooms["kueche"], DAYS[3], 16)
    refused = wish(rooms["kueche"], _repeat(skip=[DAYS[3]], extra=[(DAYS[3], 16)]), uid="angebot-3@treffpunkt-jena.de")
    assert (refused.state, refused.reason, refused.taken) == ("refused", "taken", (DAYS[3],))


def test_a_longer_series_books_its_further_dates_into_the_booking(rooms_app, rooms, wish):
    first = wish(rooms["kueche"], _repeat(until=DAYS[1]))
    longer = wish(rooms["kueche"], _repeat(until=DAYS[3]))
    assert (longer.state, longer.booking_id) == ("booked", first.booking_id)
    assert sorted(_dates(rooms_app)["dates"]) == [(d, 10) for d in DAYS]


def test_in_a_room_that_needs_approval_a_date_put_back_waits_for_the_owner(rooms_app, approval_room, people, wish):
    first = wish(approval_room, _repeat(skip=[DAYS[2]]))
    assert first.booking_status == "requested"
    lena = rooms_app.extensions["identity"].principal(people["lena"]["id"])
    with rooms_app.app_context():
        run(rooms_app.extensions["db"], decide.approve, lena, first.booking_id, "", context_of(rooms_app))

    again = wish(approval_room, _repeat())
    assert (again.state, again.booking_id, again.taken) == ("booked", first.booking_id, ())
    after = _dates(rooms_app)
    assert after["dates"][(DAYS[2], 10)] == "pending" and after["dates"][(DAYS[0], 10)] == "valid"


def test_a_wish_from_an_older_calendar_without_moved_dates_still_loads():
    payload = contracts.build(
        "rooms.book_for_offering",
        offering_uid=UID,
        sequence=1,
        room_id=1,
        account_id=1,
        partner_id=1,
        title="Kochkurs",
        repeat=_repeat(),
    )
    del payload["repeat"]["extra_dates"]
    assert contracts.load("rooms.book_for_offering", payload)["repeat"]["extra_dates"] == []


def test_a_wish_for_a_room_of_a_deactivated_partner_is_refused(rooms_app, rooms, people, wish):
    identity = rooms_app.extensions["identity"]
    office = identity.principal(people["kora"]["id"])
    factory = sessionmaker(bind=identity.engine)
    partner_admin.set_active(factory, office, people["lena"]["partner_id"], False)
    refused = wish(rooms["kueche"], _repeat())
    assert (refused.state, refused.reason) == ("refused", "no_room")
    partner_admin.set_active(factory, office, people["lena"]["partner_id"], True)
    assert wish(rooms["kueche"], _repeat()).state == "booked"
