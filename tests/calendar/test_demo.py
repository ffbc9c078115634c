"""Demo data of the calendar (make run): the network's public Online-Kalender filled with the
offerings of every partner, with facets, Leichte Sprache, a mix of rhythms, one-off events and
changed dates in the weeks after the loading day, a year of series behind it with a few dates
cancelled, recorded in the calendar's history for the figures; loaded twice without duplicates."""

import re
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
import recurring_ical_events
from icalendar import Calendar, Event
from sqlalchemy import func, select

from shared.clock import utcnow
from shared.identity import demo as identity_demo
from shared.identity.models import DISTRICTS
from shared.periods import Period, month_of

from services.calendar import demo
from services.calendar.domain.ical import index_resource
from services.calendar.domain.vocabulary import (
    ACCESSIBILITY_PROPERTY,
    AUDIENCE_PROPERTY,
    COST_PROPERTY,
    DISTRICT_PROPERTY,
    EASY_LANGUAGE_PROPERTY,
    is_free,
)
from services.calendar.store import sql_held_dates
from services.calendar.store.models import HeldDate
from services.calendar.store.sql_figures import offering_figures

BERLIN = demo.BERLIN


def _load(calendar_app, identity, today=None) -> int:
    identity_demo.load(identity)
    return demo.load(calendar_app, today)


def _stored(store) -> dict[str, list[tuple[str, bytes]]]:
    """Calendar display name -> [(object name, data)] of every partner calendar."""
    with store() as s:
        return {
            c.displayname: [(o.name, o.data) for o in s.objects(c.id, with_data=True)]
            for c in s.calendars()
            if c.kind == "partner"
        }


def _masters(store, public=True) -> list[Event]:
    events = []
    for objects in _stored(store).values():
        for _name, data in objects:
            master = next(e for e in Calendar.from_ical(data).walk("VEVENT") if "RECURRENCE-ID" not in e)
            if (str(master["CLASS"]) == "PUBLIC") == public:
                events.append(master)
    return events


def _words(event: Event, name: str) -> list[str]:
    return [w for w in str(event.get(name, "")).split(",") if w]


def _start(event: Event) -> datetime:
    return event["DTSTART"].dt


def test_demo_fills_every_partners_public_calendar_once(calendar_app, identity, store):
    added = _load(calendar_app, identity)
    assert _load(calendar_app, identity) == 0
    stored = _stored(store)
    assert sum(len(objects) for objects in stored.values()) == added
    public, private = _masters(store), _masters(store, public=False)
    assert len(public) >= 75 and len(private) >= 3
    assert {str(e["SUMMARY"]) for e in private} <= {"Teambesprechung", "Teamsitzung", "Dienstbesprechung"}

    for slug, name, _district, _address in identity_demo.PARTNERS:
        objects = stored[f"Angebote – {name}"]
        uids = [str(Calendar.from_ical(data).walk("VEVENT")[0]["UID"]) for _n, data in objects]
        numbers = sorted(int(re.fullmatch(r"angebot-(\d+)\.ics", n).group(1)) for n, _d in objects)
        assert numbers == list(range(1, len(objects) + 1))
        assert sorted(uids) == sorted(f"angebot-{slug}-{k}@treffpunkt-jena.de" for k in numbers)
        if slug != "koordination":
            assert len(objects) >= 7, slug
    with store() as s:
        assert all(c.public for c in s.calendars() if c.kind == "partner")
    for objects in stored.values():
        for _name, data in objects:
            index_resource(data)  # what the store checks on every PUT, again on what it holds


def test_demo_offerings_carry_the_networks_facets_and_plain_texts(calendar_app, identity, store):
    _load(calendar_app, identity)
    offerings = _masters(store)
    access = Counter(key for e in offerings for key in _words(e, ACCESSIBILITY_PROPERTY))
    words = identity.vocabulary()
    categories, audiences = words.keys("category", active_only=True), words.keys("audience", active_only=True)
    facts = words.keys("accessibility", active_only=True)
    for event in offerings:
        title = str(event["SUMMARY"])
        assert 1 <= len(event["CATEGORIES"].cats) <= 2 and set(event["CATEGORIES"].cats) <= set(categories), title
        assert _words(event, AUDIENCE_PROPERTY) and set(_words(event, AUDIENCE_PROPERTY)) <= set(audiences), title
        assert set(_words(event, ACCESSIBILITY_PROPERTY)) <= set(facts), title
        assert str(event[COST_PROPERTY]).strip(), title
        sentences = re.findall(r"[.?!](?:\s|$)", str(event["DESCRIPTION"]))
        assert 2 <= len(sentences) <= 4, title
        assert re.search(r", 077\d\d Jena$", str(event["LOCATION"])), title
        geo = event["GEO"]
        assert 50.88 < geo.latitude < 50.97 and 11.55 < geo.longitude < 11.62, title
        assert str(event["URL"]).startswith("https://example.org/"), title
        assert str(event["DTSTART"].params["TZID"]) == "Europe/Berlin"
        assert event.get(DISTRICT_PROPERTY) is None or str(event[DISTRICT_PROPERTY]) in DISTRICTS
    assert len(offerings) * 0.4 <= access["stufenlos"] <= len(offerings) * 0.75
    assert access["hoerschleife"] >= 5 and access["gebaerdensprache"] >= 2
    assert access["leichte-sprache"] >= 4 and access["kinderbetreuung"] >= 3
    costs = [str(e[COST_PROPERTY]) for e in offerings]
    assert sum(map(is_free, costs)) > len(costs) / 2 and sum("€" in c for c in costs) >= 10
    easy = [str(e[EASY_LANGUAGE_PROPERTY]) for e in offerings if EASY_LANGUAGE_PROPERTY in e]
    assert len(easy) >= 8
    for summary in easy:  # Leichte Sprache: short sentences, one statement each
        assert all(len(sentence.split()) <= 12 for sentence in re.split(r"(?<=[.?!])\s+", summary)), summary
    assert sum(DISTRICT_PROPERTY in e for e in offerings) >= 2
    titles = Counter(str(e["SUMMARY"]) for e in offerings)
    assert [t for t, n in titles.items() if n > 1] == ["Mittagstisch"]


@pytest.mark.parametrize("ahead", [0, 100, 200])  # a few loading days around the year (summer time too)
def test_demo_dates_are_placed_around_the_loading_day(calendar_app, identity, store, ahead):
    today = date.today() + timedelta(days=ahead)
    _load(calendar_app, identity, today)
    offerings = _masters(store)
    rules = [e["RRULE"] for e in offerings if "RRULE" in e]
    weekly = [r for r in rules if r["FREQ"] == ["WEEKLY"]]
    assert len(weekly) > len(offerings) / 2
    assert sum(r.get("INTERVAL") == [2] for r in weekly) >= 5
    monthly = [r for r in rules if r["FREQ"] == ["MONTHLY"]]
    assert len(monthly) >= 5 and all(re.fullmatch(r"-?\d[A-Z]{2}", str(r["BYDAY"][0])) for r in monthly)
    assert sum("COUNT" in r or "UNTIL" in r for r in rules) >= 2
    open_series = [e for e in offerings if "RRULE" in e and not {"COUNT", "UNTIL"} & set(e["RRULE"])]
    assert all(today - timedelta(weeks=53) <= _start(e).date() <= today - timedelta(days=320) for e in open_series)
    one_offs = [_start(e).date() for e in offerings if "RRULE" not in e]
    assert len(one_offs) >= 5
    assert all(today + timedelta(days=3) <= day <= today + timedelta(days=60) for day in one_offs)
    week_of_generations = [e for e in offerings if str(e["SUMMARY"]).startswith("Woche der Generationen")]
    assert len(week_of_generations) >= 3 and len({_start(e).isocalendar()[:2] for e in week_of_generations}) == 1


@pytest.mark.parametrize("ahead", [0, 45, 130])
def test_the_seniorencafe_in_lobeda_is_step_free_and_open_every_week(calendar_app, identity, store, ahead):
    today = date.today() + timedelta(days=ahead)
    _load(calendar_app, identity, today)
    cafes = [
        calendar
        for objects in _stored(store).values()
        for _name, data in objects
        for calendar in [Calendar.from_ical(data)]
        if str(calendar.walk("VEVENT")[0]["SUMMARY"]) == "Seniorencafé"
        and "07747 Jena" in str(calendar.walk("VEVENT")[0]["LOCATION"])
        and "stufenlos" in _words(calendar.walk("VEVENT")[0], ACCESSIBILITY_PROPERTY)
    ]
    assert cafes
    for week in range(8):
        begin = datetime.combine(today + timedelta(weeks=week), time(), BERLIN)
        found = recurring_ical_events.of(cafes[0]).between(begin, begin + timedelta(weeks=1))
        assert [e for e in found if str(e.get("STATUS", "")) != "CANCELLED"], begin


def test_some_coming_dates_are_left_out_cancelled_or_moved(calendar_app, identity, store):
    today = date.today()
    _load(calendar_app, identity, today)
    begin = datetime.combine(today + timedelta(days=1), time(), BERLIN)
    end = begin + timedelta(weeks=8)
    skipped = cancelled = moved = cancelled_before = 0
    for objects in _stored(store).values():
        for _name, data in objects:
            calendar = Calendar.from_ical(data)
            master, *overrides = sorted(calendar.walk("VEVENT"), key=lambda e: "RECURRENCE-ID" in e)
            expanded = recurring_ical_events.of(calendar).between(begin, end)
            exdates = master.get("EXDATE", [])
            for exdate in exdates if isinstance(exdates, list) else [exdates]:
                for value in (period.dt for period in exdate.dts):
                    assert begin <= value < end and value not in [_start(e) for e in expanded]
                    skipped += 1
            for override in overrides:
                original = override["RECURRENCE-ID"].dt
                if original < begin:  # a few dates of the year before were cancelled
                    assert begin - timedelta(weeks=53) <= original and str(override["STATUS"]) == "CANCELLED"
                    assert str(override["COMMENT"]).startswith("Fällt")
                    cancelled_before += 1
                    continue
                assert original < end
                (instance,) = [e for e in expanded if "RECURRENCE-ID" in e and e["RECURRENCE-ID"].dt == original]
                assert str(instance["COMMENT"]) == str(override["COMMENT"])
                if str(override.get("STATUS")) == "CANCELLED":
                    assert str(override["COMMENT"]).startswith("Fällt")
                    cancelled += 1
                else:
                    assert str(override["COMMENT"]).startswith("Ausnahmsweise")
                    assert (_start(override), override["LOCATION"]) != (original, master["LOCATION"])
                    moved += 1
                    if str(override["COMMENT"]) == "Ausnahmsweise im Saal im Erdgeschoss.":
                        assert "Saal im Erdgeschoss" in str(override["LOCATION"])
    assert skipped >= 2 and cancelled >= 2 and moved >= 1 and cancelled_before >= 3


def test_the_year_before_is_in_the_history_once(calendar_app, identity, store):
    today = date.today()
    _load(calendar_app, identity, today)
    districts = {p["id"]: p["district"] for p in identity.partners()}
    this_month = month_of(today)
    period = Period(this_month.plus(-11), this_month)
    with calendar_app.extensions["db"]() as session:
        since, until = sql_held_dates.reach(session)
        recorded = session.scalar(select(func.count()).select_from(HeldDate))
        found = offering_figures(session, period, BERLIN, utcnow(), districts, identity.vocabulary())
    assert since == datetime.combine(today, time(), BERLIN) - timedelta(weeks=53) and until <= utcnow()
    assert recorded > 1000
    assert not found.misses_dates(period.bounds(BERLIN)[0])  # the page shows no notice
    assert all(c.held > 100 for _m, c in found.by_month[:-1])  # every month before this one
    assert found.total.cancelled >= 4 and found.total.planned > 0
    assert _load(calendar_app, identity, today) == 0
    with calendar_app.extensions["db"]() as session:
        assert session.scalar(select(func.count()).select_from(HeldDate)) == recorded


def test_the_network_feed_shows_the_public_offerings_only(calendar_app, identity, store):
    _load(calendar_app, identity)
    public = {str(e["UID"]) for e in _masters(store)}
    private = {str(e["UID"]) for e in _masters(store, public=False)}
    client = calendar_app.test_client()
    events = Calendar.from_ical(client.get("/feeds/network.ics").data).walk("VEVENT")
    assert {str(e["UID"]) for e in events} == public and not private & {str(e["UID"]) for e in events}
    kids = Calendar.from_ical(client.get("/feeds/network.ics?audience=Kinder&category=Kultur").data)
    assert 0 < len({str(e["UID"]) for e in kids.walk("VEVENT")}) < len(public)
