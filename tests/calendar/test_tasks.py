"""Consumed messages: idempotent, ordered by sequence, and a gone booking leaves the feed."""

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from services.calendar.store.models import CalendarObject, ProcessedMessage

from tests.support.calendar import START, booking_message, room_message


def _count(calendar_app, model, *where):
    with calendar_app.extensions["db"]() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_room_changed_creates_and_renames_the_room_calendar(run_task, store):
    assert run_task("calendar.room_changed", room_message()) == "applied"
    run_task("calendar.room_changed", room_message(name="Großer Saal", revision=2))
    run_task("calendar.room_changed", room_message(name="Veralteter Name", revision=1))  # older: ignored
    with store() as s:
        calendar = s.room_calendar(7)
    assert calendar.kind == "room" and calendar.displayname == "Großer Saal"
    assert "Karl-Marx-Allee 28" in calendar.description and calendar.owner_partner_id is None


def test_same_message_twice_gives_one_object(run_task, calendar_app, store):
    message = booking_message()
    assert run_task("calendar.booking_changed", message) == "stored"
    assert run_task("calendar.booking_changed", message) == "duplicate"
    # a re-sent message (new id) with the same state changes nothing either
    run_task("calendar.booking_changed", booking_message())
    assert _count(calendar_app, CalendarObject) == 1
    assert _count(calendar_app, ProcessedMessage) == 2
    with store() as s:
        calendar = s.room_calendar(7)  # created although room_changed never came
        objects = s.objects(calendar.id, with_data=True)
    assert calendar.displayname == "Raum 7"
    event = Calendar.from_ical(objects[0].data).walk("VEVENT")[0]
    assert str(event["UID"]) == "booking-1@treffpunkt-jena.de" and str(event["SUMMARY"]) == "Chorprobe der Generationen"


def test_lower_sequence_is_ignored(run_task, store):
    run_task("calendar.booking_changed", booking_message(sequence=3, title="Neuer Titel"))
    assert run_task("calendar.booking_changed", booking_message(sequence=2, title="Alter Titel")) == "stale"
    with store() as s:
        obj = s.objects(s.room_calendar(7).id, with_data=True)[0]
    assert b"Neuer Titel" in obj.data and obj.source_sequence == 3


def test_private_booking_shows_busy(run_task, store):
    run_task("calendar.booking_changed", booking_message(public=False))
    with store() as s:
        data = s.objects(s.room_calendar(7).id, with_data=True)[0].data
    assert b"SUMMARY:Belegt" in data and b"Chorprobe" not in data


def test_cancelled_booking_leaves_the_feed_and_cannot_come_back_older(run_task, calendar_app):
    client = calendar_app.test_client()
    run_task("calendar.booking_changed", booking_message(sequence=1))
    assert b"booking-1@treffpunkt-jena.de" in client.get("/feeds/rooms/7.ics").data
    assert run_task("calendar.booking_changed", booking_message(sequence=2, status="cancelled")) == "removed"
    feed = client.get("/feeds/rooms/7.ics")
    assert feed.status_code == 200 and b"booking-1@" not in feed.data
    run_task("calendar.booking_changed", booking_message(sequence=1))  # late redelivery of the old state
    assert b"booking-1@" not in client.get("/feeds/rooms/7.ics").data
    assert _count(calendar_app, CalendarObject, CalendarObject.deleted.is_(False)) == 0


def test_booking_with_no_valid_occurrence_is_removed(run_task, calendar_app):
    run_task("calendar.booking_changed", booking_message())
    gone = [{"starts_at": START, "ends_at": START + timedelta(hours=1), "state": "cancelled"}]
    assert run_task("calendar.booking_changed", booking_message(sequence=1, occurrences=gone)) == "removed"
    assert _count(calendar_app, CalendarObject, CalendarObject.deleted.is_(False)) == 0


def test_invalid_payload_is_dropped_without_effect(run_task, calendar_app):
    message = booking_message()
    message["occurrences"] = "nicht eine Liste"
    assert run_task("calendar.booking_changed", message) == "invalid"
    assert _count(calendar_app, CalendarObject) == 0 and _count(calendar_app, ProcessedMessage) == 0


def test_a_room_calendar_names_the_floor_and_a_message_without_one_still_applies(run_task, store):
    run_task("calendar.room_changed", room_message(floor="2. Obergeschoss", revision=3))
    with store() as s:
        assert s.room_calendar(7).description == "Karl-Marx-Allee 28, 07747 Jena, 2. Obergeschoss, Lobeda"
    run_task("calendar.room_changed", room_message(address="Am Anger 1", revision=4))  # sent before floors existed
    with store() as s:
        assert s.room_calendar(7).description == "Am Anger 1, Lobeda"
