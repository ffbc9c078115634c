"""Demo data of the calendar service: a public calendar "Angebote" for every demo partner with
its regular offerings (about 70 in all) as weekly series in Europe/Berlin. Idempotent."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from shared.db import transaction
from shared.identity.demo import PARTNERS
from shared.timezones import berlin_vtimezone

from services.calendar.domain.names import default_slug
from services.calendar.domain.vocabulary import AUDIENCE_PROPERTY
from services.calendar.store.sql import SqlStore

BERLIN = ZoneInfo("Europe/Berlin")
SERIES_START = date(2025, 9, 1)  # a Monday; the series run on without end
PER_PARTNER = 7

# title, category, audience, weekday (0 = Monday), start "HH:MM", minutes, every n weeks
OFFERINGS = (
    ("Eltern-Kind-Turnen", "Sport", "Familien", 0, "09:30", 60, 1),
    ("Familienkino", "Kultur", "Familien", 4, "16:00", 120, 2),
    ("Puppentheater", "Kultur", "Kinder", 2, "15:00", 60, 2),
    ("Mittagstisch", "Essen", "Alle", 1, "12:00", 90, 1),
    ("Internationales Café", "Begegnung", "Alle", 3, "15:00", 120, 1),
    ("Handysprechstunde Jung hilft Alt", "Bildung", "Senioren", 2, "10:00", 90, 1),
    ("Seniorengymnastik", "Sport", "Senioren", 0, "10:30", 60, 1),
    ("Besuchsdienst-Treffen", "Begegnung", "Senioren", 3, "17:00", 90, 2),
    ("Hausaufgabenhilfe", "Bildung", "Kinder", 1, "14:00", 120, 1),
    ("Sozialberatung", "Beratung", "Alle", 1, "09:00", 180, 1),
    ("Krabbelgruppe", "Begegnung", "Familien", 2, "09:30", 90, 1),
    ("Spielenachmittag für Jung und Alt", "Begegnung", "Alle", 4, "14:30", 120, 1),
    ("Erzählcafé", "Begegnung", "Senioren", 1, "15:00", 90, 2),
    ("Kochen mit Kindern", "Essen", "Kinder", 3, "15:30", 90, 1),
    ("Lesepaten", "Bildung", "Kinder", 0, "15:00", 60, 1),
    ("Sitztanz", "Sport", "Senioren", 3, "10:00", 60, 1),
    ("Familienfrühstück", "Essen", "Familien", 5, "10:00", 120, 2),
    ("Schuldnerberatung", "Beratung", "Alle", 2, "13:00", 180, 1),
    ("Computerkurs für Ältere", "Bildung", "Senioren", 0, "14:00", 90, 1),
    ("Chor der Generationen", "Kultur", "Alle", 2, "18:00", 90, 1),
    ("Nähcafé", "Begegnung", "Alle", 0, "16:00", 120, 1),
    ("Kinderdisco", "Kultur", "Kinder", 4, "17:00", 90, 2),
    ("Wandergruppe", "Sport", "Senioren", 4, "09:00", 180, 2),
    ("Elterncafé", "Beratung", "Familien", 3, "09:00", 90, 1),
    ("Deutsch-Treff", "Bildung", "Alle", 1, "17:00", 90, 1),
    ("Tischtennis für alle", "Sport", "Alle", 2, "16:30", 90, 1),
    ("Kreativwerkstatt", "Kultur", "Kinder", 3, "14:30", 90, 1),
    ("Suppenküche", "Essen", "Alle", 4, "12:00", 90, 1),
    ("Rentenberatung", "Beratung", "Senioren", 0, "09:00", 120, 2),
    ("Yoga auf dem Stuhl", "Sport", "Senioren", 1, "10:00", 60, 1),
    ("Vorlesestunde", "Kultur", "Kinder", 5, "10:30", 60, 1),
    ("Repair-Café", "Begegnung", "Alle", 5, "14:00", 180, 2),
    ("Familienberatung", "Beratung", "Familien", 2, "14:00", 120, 1),
    ("Gedächtnistraining", "Bildung", "Senioren", 4, "10:00", 60, 1),
    ("Generationengarten", "Begegnung", "Alle", 5, "09:30", 150, 1),
)


def load(app) -> int:
    """Create what is missing; returns how many offerings were added."""
    identity = app.extensions["identity"]
    added = 0
    with app.app_context(), transaction(app.extensions["db"]) as session:
        store = SqlStore(session)
        for index, (slug, name, _district, address) in enumerate(PARTNERS):
            partner = identity.partner_by_slug(slug)
            if partner is None:
                continue
            calendar = store.ensure_partner_calendar(
                partner["id"],
                default_slug(partner["id"]),
                f"Angebote – {name}",
                description=f"Regelmäßige Angebote: {name}, {address}",
                public=True,
            )
            for k in range(PER_PARTNER):
                number = index * PER_PARTNER + k
                uid = f"angebot-{slug}-{k + 1}@treffpunkt-jena.de"
                if store.latest_by_uid(calendar.id, uid) is not None:
                    continue
                data = offering(
                    uid,
                    OFFERINGS[number % len(OFFERINGS)],
                    name,
                    address,
                    with_exdate=number == 3,
                    shift_days=index % 2,
                )
                store.put(calendar.id, f"angebot-{k + 1}.ics", data)
                added += 1
    return added


def offering(uid: str, spec, partner_name: str, address: str, with_exdate: bool = False, shift_days: int = 0) -> bytes:
    title, category, audience, weekday, start, minutes, interval = spec
    weekday = (weekday + shift_days) % 5 if weekday < 5 else weekday  # spread partners over the week
    hour, minute = map(int, start.split(":"))
    first_day = SERIES_START + timedelta(days=weekday)
    dtstart = datetime.combine(first_day, time(hour, minute), BERLIN)
    calendar = Calendar()
    calendar.add("PRODID", "-//Treffpunkt Jena//Demo//DE")
    calendar.add("VERSION", "2.0")
    calendar.add_component(berlin_vtimezone())
    event = Event()
    event.add("UID", uid)
    event.add("DTSTAMP", datetime(2025, 8, 15, 9, 0, tzinfo=ZoneInfo("UTC")))
    event.add("SUMMARY", title)
    event.add("DTSTART", dtstart)
    event.add("DTEND", dtstart + timedelta(minutes=minutes))
    rule = {"FREQ": "WEEKLY"}
    if interval > 1:
        rule["INTERVAL"] = interval
    event.add("RRULE", rule)
    if with_exdate:  # the autumn holiday week: this one does not take place
        event.add("EXDATE", dtstart + timedelta(weeks=interval * 8))
    event.add("LOCATION", f"{partner_name}, {address}")
    event.add("DESCRIPTION", f"{title} – ein Angebot von {partner_name}. Eintritt frei, Anmeldung nicht nötig.")
    event.add("CATEGORIES", [category])
    event.add(AUDIENCE_PROPERTY, audience)
    event.add("CLASS", "PUBLIC")
    calendar.add_component(event)
    return calendar.to_ical()
