"""Free-room search honours what a booking would have to honour: the room's buffer after earlier
bookings and after the wanted slot, opening hours, closures (of the room or of all rooms of its
partner) and the other rules; a room is listed exactly when the slot could be booked there.
The same scenario runs on PostgreSQL (the service's database) and on SQLite (make run)."""

from datetime import datetime, time, timedelta, timezone

import pytest

from services.rooms.db import occupancy
from services.rooms.db.models import Base, Booking, ClosureRow, Occurrence, Room, RoomRulesRow
from services.rooms.domain import WEEKDAYS, Slot, conflicts_per_slot

from tests.support.rooms import BERLIN, at, next_week

OWNER, OTHER = 1, 2  # partner ids


@pytest.fixture(params=["postgresql", "sqlite"])
def session(request, tmp_path):
    if request.param == "postgresql":
        app = request.getfixturevalue("rooms_app")
        with app.extensions["db"]() as s:
            yield s
        return
    from sqlalchemy.orm import Session

    from shared.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path}/rooms.db")
    Base.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as s:
        yield s
    engine.dispose()


def _room(s, name: str, partner: int, **rules) -> Room:
    room = Room(partner_id=partner, name=name, district="Lobeda", capacity=20, equipment=[], step_free=True, revision=0)
    s.add(room)
    s.flush()
    if rules:
        s.add(
            RoomRulesRow(
                room_id=room.id,
                **{
                    "opening": {},
                    "min_minutes": 0,
                    "max_minutes": 14 * 60,
                    "max_days_ahead": 732,
                    "buffer_minutes": 0,
                    "approval_required": False,
                    **rules,
                },
            )
        )
    return room


def _occupy(s, room: Room, start: datetime, end: datetime, buffer: int = 0, state: str = "valid") -> Booking:
    booking = Booking(
        room_id=room.id,
        booker_account_id=1,
        booker_partner_id=OTHER,
        title="Kurs",
        status="confirmed",
        sequence=0,
        public=False,
        comment="",
    )
    s.add(booking)
    s.flush()
    booking.occurrences.append(
        Occurrence(
            room_id=room.id, starts_at=start, ends_at=end, state=state, blocked_until=end + timedelta(minutes=buffer)
        )
    )
    return booking


@pytest.fixture
def scene(session):
    """Saal: 30-minute buffer, booked 10-11 and 14-15. Küche: open only on the day's weekday,
    08-12. Club: closed on the day. Werkstatt: no rules, only a pending request 12-13."""
    s, day = session, next_week()
    rooms = {
        "Saal": _room(s, "Saal", OWNER, buffer_minutes=30),
        "Küche": _room(s, "Küche", OWNER, opening={WEEKDAYS[day.weekday()]: ["08:00", "12:00"]}),
        "Club": _room(s, "Club", OTHER),
        "Werkstatt": _room(s, "Werkstatt", OTHER, max_minutes=180),
    }
    first = _occupy(s, rooms["Saal"], at(day, 10), at(day, 11), buffer=30)
    second = _occupy(s, rooms["Saal"], at(day, 14), at(day, 15), buffer=30)
    _occupy(s, rooms["Werkstatt"], at(day, 12), at(day, 13), state="pending")
    s.add(ClosureRow(partner_id=OTHER, room_id=rooms["Club"].id, first_day=day, last_day=day, reason="Putz"))
    s.commit()
    return s, day, rooms, (first.id, second.id)


def _free(s, day, h1, m1, h2, m2) -> set[str]:
    slot = Slot(datetime.combine(day, time(h1, m1), tzinfo=BERLIN), datetime.combine(day, time(h2, m2), tzinfo=BERLIN))
    return {r.name for r in occupancy.free_rooms(s, slot, now=datetime.now(timezone.utc), tz=BERLIN)}


def test_buffers_opening_hours_closures_and_rules_decide_what_is_free(scene):
    s, day, rooms, _ = scene
    assert _free(s, day, 11, 0, 12, 0) == {"Küche", "Werkstatt"}  # the Saal's buffer runs until 11:30
    assert _free(s, day, 11, 30, 12, 0) == {"Saal", "Küche", "Werkstatt"}  # back to back with the buffer
    assert _free(s, day, 12, 0, 13, 30) == {"Saal", "Werkstatt"}  # + 30 min touches 14:00; Küche has closed
    assert _free(s, day, 12, 0, 13, 45) == {"Werkstatt"}  # + 30 min would reach into 14:00-15:00
    assert _free(s, day, 15, 0, 17, 0) == {"Werkstatt"}  # 15:00-15:30 is the Saal's buffer
    assert _free(s, day, 16, 0, 20, 0) == {"Saal"}  # four hours are too long for the Werkstatt
    tomorrow = day + timedelta(days=1)
    assert _free(s, tomorrow, 9, 0, 10, 0) == {"Saal", "Club", "Werkstatt"}  # the Küche opens on one weekday only
    s.add(
        ClosureRow(
            partner_id=OWNER,
            room_id=None,
            first_day=tomorrow,
            last_day=tomorrow + timedelta(days=3),
            reason="Betriebsferien",
        )
    )
    s.commit()
    assert _free(s, tomorrow, 9, 0, 10, 0) == {"Club", "Werkstatt"}  # closed: every room of the owner
    assert _free(s, day - timedelta(days=30), 9, 0, 10, 0) == set()  # past


def test_room_and_holdings_gives_the_terms_and_what_each_buffered_slot_meets(scene):
    s, day, rooms, (first, second) = scene

    def held(room, *hours):
        """The terms, and the bookings colliding with any of the slots as the preview decides
        (SQLite's query may return a few more rows; the domain picks)."""
        slots = [Slot(at(day, a), at(day, b)) for a, b in hours]
        terms, holdings = occupancy.room_and_holdings(s, rooms[room].id, slots)
        hits = conflicts_per_slot(slots, holdings, None, terms.rules.buffer)
        return terms, sorted({c.booking_id for found in hits for c in found})

    terms, found = held("Saal", (11, 12))
    assert (terms.partner_id, terms.rules.buffer_minutes, terms.closures) == (OWNER, 30, [])
    assert found == [first]  # 10-11 is held until 11:30
    assert held("Saal", (12, 13))[1] == []  # 13:00 + 30 min ends before 14:00 starts
    assert held("Saal", (9, 10), (13, 14))[1] == [first, second]  # each slot's end moves by the buffer
    assert held("Werkstatt", (12, 13))[1] == []  # a pending request holds nothing
    terms, _ = held("Club", (9, 10))
    assert [(c.first_day, c.reason) for c in terms.closures] == [(day, "Putz")]
    assert occupancy.room_and_holdings(s, 9999, [Slot(at(day, 9), at(day, 10))]) is None


def test_what_the_search_lists_the_preview_calls_bookable(rooms_app, rooms, api_auth):
    client, day = rooms_app.test_client(), next_week()
    tomorrow = day + timedelta(days=1)
    opening = {WEEKDAYS[d.weekday()]: ["08:00", "18:00"] for d in (day, tomorrow)}
    assert (
        client.put(
            f"/api/rooms/rooms/{rooms['saal']}/rules",
            headers=api_auth("lena"),
            json={
                "buffer_minutes": 30,
                "opening": opening,
                "closures": [{"first_day": tomorrow.isoformat(), "last_day": tomorrow.isoformat(), "all_rooms": True}],
            },
        ).status_code
        == 200
    )
    assert (
        client.post(
            "/api/rooms/bookings",
            headers=api_auth("lena"),
            json={
                "room_id": rooms["saal"],
                "starts_at": at(day, 14).isoformat(),
                "ends_at": at(day, 15).isoformat(),
                "title": "Chor",
            },
        ).status_code
        == 201
    )
    for d, start, end, free in (
        (day, time(12), time(13, 30), True),  # + 30 min buffer touches 14:00
        (day, time(12), time(13, 45), False),
        (day, time(15), time(16), False),  # 15:00-15:30 is the Chor's buffer
        (day, time(15, 30), time(17), True),
        (day, time(17), time(19), False),  # closes at 18:00
        (tomorrow, time(9), time(10), False),
    ):  # closed that day
        window = {
            "starts_at": datetime.combine(d, start, tzinfo=BERLIN).isoformat(),
            "ends_at": datetime.combine(d, end, tzinfo=BERLIN).isoformat(),
        }
        listed = client.get("/api/rooms/free", headers=api_auth("otto"), query_string=window)
        preview = client.post(
            "/api/rooms/preview", headers=api_auth("otto"), json={"room_id": rooms["saal"], "title": "Probe", **window}
        )
        assert listed.status_code == 200 and preview.status_code == 200, preview.json
        assert (rooms["saal"] in {r["id"] for r in listed.json}) == preview.json["bookable"] == free, window
        assert rooms["club"] in {r["id"] for r in listed.json}  # otto's room has no rules


def test_a_preview_in_autocommit_leaves_the_next_session_transactional(rooms_app, rooms, people):
    """Previews run in shared.db.autocommit (PostgreSQL: each statement commits by itself); the
    connection goes back to the pool, and the next session on it is one ordinary transaction."""
    from shared.db import autocommit
    from shared.identity.store import Principal

    from services.rooms.booking import series
    from services.rooms.booking.context import Ctx
    from services.rooms.domain import Recurrence

    from tests.support.rooms import count

    otto = people["otto"]
    booker = Principal(
        account_id=otto["id"],
        username="otto",
        display_name="Otto",
        email="",
        phone="",
        language="de",
        role="staff",
        partner_id=otto["partner_id"],
        partner_name="",
        district="",
    )
    day = next_week()
    with autocommit(rooms_app.extensions["db"]) as s:
        found = series.preview(
            s,
            booker,
            rooms["club"],
            Recurrence(day, time(9), time(10), "weekly", count=3),
            "Chor",
            Ctx(public_url="http://test.invalid", partner_name_of=lambda _pid: ""),
        )
        assert [d.blocked for d in found.dates] == [False] * 3
    with rooms_app.extensions["db"]() as s:
        s.add(ClosureRow(partner_id=otto["partner_id"], room_id=rooms["club"], first_day=day, last_day=day))
        s.flush()
        s.rollback()
    assert count(rooms_app, ClosureRow) == 0
