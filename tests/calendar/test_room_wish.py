"""What the calendar asks the rooms service for (domain/room_wish.py): a cancelled date is
skipped, a moved date is skipped on its own day and asked for at its new time, a date put back
is asked for again, and an open-ended offering names the last day it asked for."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from icalendar import Calendar

from services.calendar.domain.calendar_data import LOCAL
from services.calendar.domain.ical import index_resource
from services.calendar.domain.offering import public_dates
from services.calendar.domain.offering_draft import Repeat, changed_date, new_calendar, restored_date
from services.calendar.domain.room_wish import BOOKED_AHEAD, booked_until, room_repeat

from tests.calendar.test_offering_draft import CAFE, NOW

TODAY = NOW.astimezone(LOCAL).date()
SECOND = datetime(2026, 12, 16, 14, 30, tzinfo=LOCAL)  # CAFE: Wednesdays 14:30-16:30 from 9 December
THIRD = datetime(2026, 12, 23, 14, 30, tzinfo=LOCAL)


def _wish(data: bytes, draft=CAFE):
    calendar = Calendar.from_ical(data)
    dates = public_dates(calendar, index_resource(data).time_index, NOW, NOW + timedelta(days=400), public_only=False)
    repeat = room_repeat(draft, dates, TODAY)
    return repeat, booked_until(draft, repeat, dates)


def test_a_moved_date_is_skipped_on_its_own_day_and_asked_for_at_its_new_time():
    data = new_calendar(CAFE, "cafe@treffpunkt", NOW)
    thursday = (datetime(2026, 12, 17, 10, 0, tzinfo=LOCAL), datetime(2026, 12, 17, 12, 0, tzinfo=LOCAL))
    data = changed_date(Calendar.from_ical(data), SECOND, NOW, cancelled=False, note="Am Donnerstag", moved_to=thursday)
    data = changed_date(Calendar.from_ical(data), THIRD, NOW, cancelled=True, note="Weihnachten")
    repeat, _last = _wish(data)
    assert repeat["first_day"] == date(2026, 12, 9) and repeat["freq"] == "weekly"
    assert repeat["skip"] == [date(2026, 12, 16), date(2026, 12, 23)]
    assert repeat["extra_dates"] == [{"starts_at": thursday[0], "ends_at": thursday[1]}]

    restored = restored_date(Calendar.from_ical(data), THIRD, NOW)
    repeat, _last = _wish(restored)
    assert repeat["skip"] == [date(2026, 12, 16)], "the date put back is asked for again"


def test_a_series_whose_only_coming_dates_moved_still_asks_for_them():
    short = replace(CAFE, repeat=Repeat("weekly", count=2))
    data = new_calendar(short, "cafe@treffpunkt", NOW)
    later = (datetime(2026, 12, 9, 18, 0, tzinfo=LOCAL), datetime(2026, 12, 9, 20, 0, tzinfo=LOCAL))
    first = datetime(2026, 12, 9, 14, 30, tzinfo=LOCAL)
    data = changed_date(Calendar.from_ical(data), first, NOW, cancelled=False, note="", moved_to=later)
    data = changed_date(Calendar.from_ical(data), SECOND, NOW, cancelled=True, note="")
    repeat, last = _wish(data, short)
    assert repeat["skip"] == [date(2026, 12, 9), date(2026, 12, 16)] and repeat["until"] == date(2026, 12, 16)
    assert repeat["extra_dates"] == [{"starts_at": later[0], "ends_at": later[1]}] and last is None


def test_an_open_ended_offering_names_the_last_day_it_asked_for():
    repeat, last = _wish(new_calendar(CAFE, "cafe@treffpunkt", NOW))
    assert repeat["until"] == TODAY + BOOKED_AHEAD and last == TODAY + BOOKED_AHEAD

    until = replace(CAFE, repeat=Repeat("weekly", until=date(2027, 3, 31)))
    repeat, last = _wish(new_calendar(until, "cafe@treffpunkt", NOW), until)
    assert repeat["until"] == date(2027, 3, 31) and last is None, "the wish holds every date"

    counted = replace(CAFE, repeat=Repeat("weekly", count=10))
    assert _wish(new_calendar(counted, "cafe@treffpunkt", NOW), counted)[1] is None
    many = replace(CAFE, repeat=Repeat("weekly", count=80))
    repeat, last = _wish(new_calendar(many, "cafe@treffpunkt", NOW), many)
    assert last == repeat["until"] and last <= TODAY + BOOKED_AHEAD, "80 weeks go on after a year"


def test_a_one_off_offering_asks_for_its_date():
    once = replace(CAFE, repeat=Repeat("once"))
    repeat, last = _wish(new_calendar(once, "cafe@treffpunkt", NOW), once)
    assert (repeat["freq"], repeat["first_day"], repeat["start"]) == ("once", date(2026, 12, 9), time(14, 30))
    assert last is None
