"""answers.describe: the one wording of the rooms errors, for the pages and the API alike. The
other tests assert on codes and data; the German sentences themselves are checked here."""

from __future__ import annotations

from datetime import date, datetime, timezone

from services.rooms.booking.errors import (
    BookingConflict,
    InvalidInput,
    NotAllowed,
    RequestChanged,
    RoomNotFound,
    SeriesConflict,
)
from services.rooms.booking.series import WantedDate
from services.rooms.domain import Conflict, Slot

from tests.support.rooms import answer_for

DAY = date(2031, 3, 4)  # a Tuesday
SLOT = Slot(datetime(2031, 3, 4, 14, tzinfo=timezone.utc), datetime(2031, 3, 4, 15, tzinfo=timezone.utc))
THEIRS = Conflict(7, SLOT.starts_at, SLOT.ends_at, "belegt", own=False, partner_id=2)


def _date(day=DAY, conflicts=(THEIRS,), violations=()):
    return WantedDate(day, SLOT, False, tuple(conflicts), tuple(violations))


def test_one_date_in_the_way_is_one_sentence_and_the_holder_follows(rooms_app):
    answer = answer_for(rooms_app, SeriesConflict([_date()]), partner_name="AWO Nord")
    assert (answer.status, answer.code) == (409, "series_conflict")
    assert answer.text == (
        "Der Raum ist am 4. März 2031 von 15:00 bis 16:00 schon belegt (Buchung Nr. 7 eines "
        "anderen Partners). Bitte wählen Sie eine andere Zeit."
    )
    assert answer.details == ("am 4. März 2031 von 15:00 bis 16:00: belegt (AWO Nord), Buchung Nr. 7",)
    assert answer.errors == {"starts_at": [answer.text]}
    assert answer.data["conflict"]["booking_id"] == 7
    assert answer.data["conflicts"][0]["day"] == "2031-03-04"
    assert answer.data["conflicts"][0]["conflicts"][0]["partner_name"] == "AWO Nord"


def test_several_dates_are_counted_and_broken_rules_named(rooms_app):
    dates = [_date(), _date(date(2031, 3, 11), conflicts=(), violations=("rule_closure",))]
    answer = answer_for(rooms_app, SeriesConflict(dates))
    assert answer.text.startswith("2 Termine kollidieren oder verstoßen gegen Raumregeln: 4.3.2031, 11.3.2031.")
    assert answer.details[-1] == "Der Raum ist an diesem Tag geschlossen."
    assert answer.sentence() == " ".join((answer.text, *answer.details))


def test_a_refusal_by_the_database_has_no_holder_to_name(rooms_app):
    answer = answer_for(rooms_app, BookingConflict(None))
    assert (answer.status, answer.code, answer.data) == (409, "booking_conflict", {"conflict": None})
    assert "gerade eben belegt" in answer.text


def test_input_permission_and_staleness(rooms_app):
    wrong = answer_for(rooms_app, InvalidInput({"title": "title_missing", "ends_at": "ends_before_start"}))
    assert (wrong.status, wrong.code) == (422, "invalid_input")
    assert wrong.errors == {
        "title": ["Bitte geben Sie einen Titel an."],
        "ends_at": ["Das Ende muss nach dem Beginn liegen."],
    }
    assert wrong.text == "Bitte geben Sie einen Titel an. Das Ende muss nach dem Beginn liegen."
    refused = answer_for(rooms_app, NotAllowed("not_owner"))
    assert (refused.status, refused.code) == (403, "not_owner")
    stale = answer_for(rooms_app, RequestChanged(3))
    assert (stale.status, stale.code, stale.data) == (409, "request_changed", {"sequence": 3})
    missing = answer_for(rooms_app, RoomNotFound(4711))
    assert (missing.status, missing.code) == (404, "room_not_found") and "4711" in missing.text
