"""Demo data (make run): about twenty rooms of the Jena partners, and the room exchange at work in
the weeks after the day it is loaded and in the year before it, made through the booking use
cases (the past under a clock set back); loaded twice without duplicates."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from shared.identity import demo as identity_demo
from shared.periods import Period, month_of

from services.rooms import demo, demo_bookings
from services.rooms.db.figures import room_figures
from services.rooms.db.models import (
    AuditEntry,
    Booking,
    ClosureRow,
    Occurrence,
    OutboxMessage,
    Room,
    RoomRulesRow,
)
from services.rooms.db.occupancy import holdings_between

from tests.support.rooms import BERLIN, at, count


def test_demo_rooms_are_idempotent_and_announced(rooms_app, identity):
    identity_demo.load(identity)
    created = demo.load(rooms_app)
    assert 18 <= created <= 25
    assert demo.load(rooms_app) == 0
    assert count(rooms_app, Room) == created
    assert count(rooms_app, OutboxMessage, OutboxMessage.task_name == "calendar.room_changed") == created
    owners = {p["id"] for p in identity.partners() if p["slug"] != "koordination"}
    with rooms_app.extensions["db"]() as s:
        assert {r.partner_id for r in s.query(Room)} == owners
        assert any("Großer Saal" == r.name for r in s.query(Room))


def _loaded(rooms_app, identity, today=None):
    identity_demo.load(identity)
    demo.load(rooms_app)
    return demo_bookings.load(rooms_app, today)


def _bookings(rooms_app) -> dict[str, Booking]:
    with rooms_app.extensions["db"]() as s:
        found = s.scalars(select(Booking)).all()
        for b in found:
            b.occurrences, b.room  # noqa: B018 (loaded before the session closes)
        return {b.title: b for b in found}


PAST_TITLES = {p.wanted.title for p in demo_bookings.PAST}


def _states(booking: Booking) -> list[str]:
    return [o.state for o in sorted(booking.occurrences, key=lambda o: o.starts_at)]


# today as the loader runs it, and two days on which the dates fall differently around Christmas
@pytest.mark.parametrize("ahead", [0, 17, 190])
def test_demo_shows_the_room_exchange_at_work_from_the_day_it_is_loaded(rooms_app, identity, ahead):
    today = date.today() + timedelta(days=ahead)
    made = _loaded(rooms_app, identity, today)
    bookings = _bookings(rooms_app)
    assert made == len(bookings) == 4 + len(demo_bookings.OTHERS) + len(PAST_TITLES)
    coming = {t: b for t, b in bookings.items() if t not in PAST_TITLES}
    partners = {b.booker_partner_id for b in coming.values()}
    assert len(partners) >= 6  # several partners book
    first = min(o.starts_at for b in coming.values() for o in b.occurrences)
    last = max(o.starts_at for b in coming.values() for o in b.occurrences)
    assert at(today + timedelta(days=1), 0) <= first and last < at(today + timedelta(weeks=8), 0)
    # the year before: every date of those bookings lies in it
    past = [o.starts_at for t in PAST_TITLES for o in bookings[t].occurrences]
    assert at(today - timedelta(weeks=52), 0) <= min(past) and max(past) < at(today, 0)

    # a series waiting for the owner of a room that needs approval: MGH Lobeda, the demo login
    request = bookings["Tanznachmittag für Jung und Alt"]
    assert request.status == "requested" and _states(request) == ["pending"] * 4
    assert request.room.name == "Großer Saal"
    with rooms_app.extensions["db"]() as s:
        assert s.get(RoomRulesRow, request.room_id).approval_required
        closure = s.scalars(select(ClosureRow)).one()
    assert (closure.reason, closure.room_id) == ("Weihnachtsferien", None)
    assert (closure.first_day.day, closure.first_day.month, closure.last_day.day, closure.last_day.month) == (
        23,
        12,
        1,
        1,
    )
    assert closure.first_day <= today + timedelta(days=366) and closure.last_day >= today

    # a series with one date left out because another booking holds it
    choir, holder = bookings["Chorprobe"], bookings["Stadtteilrunde"]
    assert _states(choir) == ["valid", "skipped", "valid", "valid", "valid", "valid"]
    skipped = sorted(choir.occurrences, key=lambda o: o.starts_at)[1]
    held = holder.occurrences[0]
    assert skipped.starts_at < held.ends_at and held.starts_at < skipped.ends_at
    assert holder.booker_partner_id != choir.booker_partner_id

    # a cancelled date
    course = bookings["Erste-Hilfe-Kurs für Eltern"]
    assert _states(course) == ["valid", "valid", "cancelled", "valid"] and course.status == "confirmed"

    # calendar and notify follow: one message each per booking; the cancellation tells the
    # booker and the staff of the room's house (another partner's room)
    with rooms_app.extensions["db"]() as s:
        tasks = [m.task_name for m in s.scalars(select(OutboxMessage))]
    answered = sum(1 for p in demo_bookings.PAST if p.answer)
    cancellations = 1 + sum(len(p.cancelled) for p in demo_bookings.PAST)
    assert tasks.count("calendar.booking_changed") == len(bookings) + answered + cancellations
    # the owner's answer tells the booker; a cancellation in another partner's room tells both
    assert tasks.count("notify.booking_notice") == len(bookings) + answered + 2 * cancellations

    # a second start leaves the bookings alone
    assert demo_bookings.load(rooms_app, today) == 0
    assert count(rooms_app, Booking) == len(bookings)


def test_the_demo_year_before_has_figures_made_on_the_days_they_happened(rooms_app, identity):
    """As /rooms/figures shows them by default (the last twelve months), with the dates, the
    owners' answers and the cancellations in the months they happened."""
    today = date.today()
    _loaded(rooms_app, identity, today)
    this_month = month_of(today)
    period = Period(this_month.plus(-11), this_month)
    with rooms_app.extensions["db"]() as s:
        found = room_figures(s, period, BERLIN)
    months = [use for _m, use in found.by_month()]
    assert sum(1 for use in months if use.booked_minutes) >= 10  # most months have something
    total = found.total()
    assert total.other_dates >= 60 and total.other_minutes < total.booked_minutes  # the exchange at work
    assert (total.approved, total.declined) == (2, 2)
    assert total.cancelled == 1 + sum(len(p.cancelled) for p in demo_bookings.PAST)
    # the answer to the meeting asked for ten weeks back: two days after it was asked, not today
    meeting = next(p for p in demo_bookings.PAST if p.wanted.title == "Mitgliederversammlung")
    asked = demo_bookings.past_day(today, meeting.wanted.weekday, meeting.wanted.week) - timedelta(meeting.ahead)
    with rooms_app.extensions["db"]() as s:
        declined = s.scalars(
            select(AuditEntry.at).where(
                AuditEntry.action == "booking_declined", AuditEntry.details["comment"].as_string().like("%Abend%")
            )
        ).one()
    assert declined.astimezone(BERLIN).date() == asked + timedelta(days=2)


@pytest.mark.parametrize(
    "today, holidays",
    [
        (date(2026, 12, 5), (date(2026, 12, 23), date(2027, 1, 1))),
        (date(2026, 12, 28), (date(2026, 12, 23), date(2027, 1, 1))),
        (date(2027, 1, 1), (date(2026, 12, 23), date(2027, 1, 1))),
        (date(2027, 1, 2), (date(2027, 12, 23), date(2028, 1, 1))),
    ],
)
def test_the_demo_closure_is_the_coming_or_current_christmas_holidays(today, holidays):
    assert demo_bookings.christmas_holidays(today) == holidays


def test_demo_series_leave_out_the_holidays_of_the_closed_house(rooms_app, identity):
    today = date(date.today().year, 12, 10)
    if today <= date.today():
        today = date(date.today().year + 1, 12, 10)
    _loaded(rooms_app, identity, today)
    gym = _bookings(rooms_app)["Seniorengymnastik"]
    left_out = [o.starts_at.astimezone(BERLIN).date() for o in gym.occurrences if o.state == "skipped"]
    assert left_out and all((d.month, d.day) >= (12, 23) or d.month == 1 for d in left_out)
    with rooms_app.extensions["db"]() as s:
        room = s.get(Room, gym.room_id)
        held = holdings_between(s, room.id, at(date(today.year, 12, 23), 0), at(date(today.year + 1, 1, 2), 0))
    assert held == []
    assert count(rooms_app, Occurrence, Occurrence.state == "valid") > 0
