"""Benchmark data for the public calendar: the network's ten partners (the demo's names, districts
and addresses) in an identity database of its own, a public calendar "Angebote" for each, and N
offerings written through the calendar store (SqlStore.put in a unit of work, as the demo loader
does), so the public pages' index is built by the same code as on every CalDAV PUT.

The offerings look like the network's: mostly weekly series (some every two weeks, some monthly
on a weekday, some ending with the school year) in Europe/Berlin with a VTIMEZONE, a fifth
one-off dates; categories, audiences, accessibility facts, cost, now and then a Leichte-Sprache
summary, a place in another district, a cancelled or moved date. Seeded: the same N gives the
same calendars."""

from __future__ import annotations

import multiprocessing
import random
import signal
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import psycopg
from icalendar import Calendar, Event

from shared.clock import utcnow
from shared.db import make_engine, make_session_factory, transaction
from shared.identity import MIGRATIONS as IDENTITY_MIGRATIONS
from shared.identity.demo import PARTNERS
from shared.identity.store import IdentityStore
from shared.migrate import upgrade
from shared.timezones import berlin_vtimezone

from services import calendar as calendar_service
from services.calendar.domain.vocabulary import (
    ACCESSIBILITY_PROPERTY,
    AUDIENCE_PROPERTY,
    COST_PROPERTY,
    DISTRICT_PROPERTY,
    EASY_LANGUAGE_PROPERTY,
)
from services.calendar.store.sql import SqlStore

from bench_databases import PG, drop_database, recreate_database, sa_url  # noqa: F401  (the benchmarks reach them here)

BERLIN = ZoneInfo("Europe/Berlin")
BATCH = 100  # offerings per transaction while loading
# how many of the offerings each partner runs (the coordination office few, the big houses many)
WEIGHTS = (16, 12, 10, 10, 12, 9, 9, 9, 8, 5)

# title, category, audiences
KINDS = (
    ("Seniorencafé", "Begegnung", ("Senioren",)),
    ("Sprachcafé", "Bildung", ("Erwachsene", "Alle")),
    ("Internationales Café", "Begegnung", ("Alle",)),
    ("Repair-Café", "Begegnung", ("Alle",)),
    ("Erzählcafé", "Begegnung", ("Senioren",)),
    ("Elterncafé", "Beratung", ("Familien",)),
    ("Nähcafé", "Begegnung", ("Erwachsene", "Senioren")),
    ("Eltern-Kind-Turnen", "Sport", ("Familien", "Kinder")),
    ("Familienkino", "Kultur", ("Familien",)),
    ("Puppentheater", "Kultur", ("Kinder",)),
    ("Mittagstisch", "Essen", ("Alle",)),
    ("Handysprechstunde Jung hilft Alt", "Bildung", ("Senioren", "Jugendliche")),
    ("Seniorengymnastik", "Sport", ("Senioren",)),
    ("Hausaufgabenhilfe", "Bildung", ("Kinder", "Jugendliche")),
    ("Sozialberatung", "Beratung", ("Alle",)),
    ("Krabbelgruppe", "Begegnung", ("Familien",)),
    ("Spielenachmittag für Jung und Alt", "Begegnung", ("Alle",)),
    ("Kochen mit Kindern", "Essen", ("Kinder",)),
    ("Lesepaten", "Bildung", ("Kinder",)),
    ("Sitztanz", "Sport", ("Senioren",)),
    ("Familienfrühstück", "Essen", ("Familien",)),
    ("Computerkurs für Ältere", "Bildung", ("Senioren",)),
    ("Chor der Generationen", "Kultur", ("Alle",)),
    ("Jugendtreff", "Begegnung", ("Jugendliche",)),
    ("Wandergruppe", "Sport", ("Senioren", "Erwachsene")),
    ("Deutsch-Treff", "Bildung", ("Erwachsene",)),
    ("Yoga auf dem Stuhl", "Sport", ("Senioren",)),
    ("Gedächtnistraining", "Bildung", ("Senioren",)),
    ("Generationengarten", "Begegnung", ("Alle",)),
    ("Rentenberatung", "Beratung", ("Senioren",)),
)
SUFFIXES = ("", "", "", "", " für Einsteiger", " – Gruppe 2", " (offener Treff)", "*")  # *: the time of day
# other places of each district (an offering away from the partner's house names its district)
PLACES = {
    "Lobeda": (
        "Stadtteilbibliothek Lobeda, Karl-Marx-Allee 30, 07747 Jena",
        "Gemeindesaal Lobeda, Fregestraße 3, 07747 Jena",
    ),
    "Winzerla": (
        "Jugendhaus Winzerla, Hugo-Schrade-Straße 12, 07745 Jena",
        "Kirche Winzerla, Winzerlaer Straße 20, 07745 Jena",
    ),
    "Nord": ("Bürgerhaus Nord, Dornburger Straße 60, 07743 Jena", "Sportplatz Nord, Löbstedter Straße 40, 07743 Jena"),
    "West": ("Volkshaus, Carl-Zeiß-Platz 15, 07743 Jena", "Westbahnhof-Treff, Westbahnhofstraße 2, 07745 Jena"),
    "Ost": ("Ostschule, Karl-Liebknecht-Straße 9, 07749 Jena", "Gartenverein Ost, Am Anger 4, 07749 Jena"),
    "Zentrum": ("Stadtbibliothek, Engelplatz 2, 07743 Jena", "Rathausdiele, Markt 1, 07743 Jena"),
}
COSTS = ("kostenlos",) * 11 + ("2 €", "3 € mit Mittagessen", "5 € pro Termin", "Spende erbeten", "1,50 € für Kaffee")
FACTS = (("stufenlos", 0.55), ("hoerschleife", 0.1), ("gebaerdensprache", 0.04), ("leichte-sprache", 0.12))
EASY = "Wir treffen uns jede Woche. Alle sind willkommen. Sie müssen sich nicht anmelden. Es kostet nichts."
REASONS = ("Ferien", "Krankheit der Kursleitung", "Der Raum wird renoviert", "Feiertag")
SEASON_END = date(2027, 7, 16)  # the school year's last day: many series stop there


def make_identity(db_name: str) -> list[dict]:
    """The ten partners; returns [{id, slug, name, district, address}]."""
    recreate_database(db_name)
    upgrade(IDENTITY_MIGRATIONS, sa_url(db_name))
    engine = make_engine(sa_url(db_name))
    store = IdentityStore(make_session_factory(engine))
    partners = []
    for slug, name, district, address in PARTNERS:
        pid = store.create_partner(slug, name, district, address, contact_email=f"{slug}@example.org")
        partners.append({"id": pid, "slug": slug, "name": name, "district": district, "address": address})
    engine.dispose()
    return partners


def make_calendar_db(db_name: str, partners: list[dict]) -> dict[int, int]:
    """A migrated calendar database with one public calendar per partner: {partner id: calendar id}."""
    recreate_database(db_name)
    upgrade(calendar_service.MIGRATIONS, sa_url(db_name))
    engine = make_engine(sa_url(db_name))
    calendars = {}
    with transaction(make_session_factory(engine)) as session:
        store = SqlStore(session)
        for p in partners:
            info = store.ensure_partner_calendar(
                p["id"], p["slug"], f"Angebote – {p['name']}", f"Regelmäßige Angebote: {p['name']}", public=True
            )
            calendars[p["id"]] = info.id
    engine.dispose()
    return calendars


def shares(events: int) -> list[int]:
    """How many of `events` each partner gets (WEIGHTS, summing to `events`)."""
    total = sum(WEIGHTS)
    counts = [events * w // total for w in WEIGHTS]
    counts[0] += events - sum(counts)
    return counts


def load(db_name: str, partners: list[dict], calendars: dict[int, int], events: int, seed: int, processes: int) -> int:
    """Write `events` offerings through SqlStore.put, partners spread over `processes` processes
    (each partner's calendar is written by one process, so they never wait for each other's
    revision lock). Returns how many were stored."""
    jobs = []
    first = 0
    for p, count in zip(partners, shares(events)):
        jobs.append((db_name, p, calendars[p["id"]], first, count, seed))
        first += count
    with multiprocessing.Pool(max(1, processes), initializer=_loader_signals) as pool:
        return sum(pool.map(_load_partner, jobs, chunksize=1))


def _loader_signals() -> None:
    """Ctrl-C is the benchmark's to handle: leaving the Pool block terminates the loaders
    (SIGTERM), which then simply end (not through the benchmark's own SIGTERM handler)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _load_partner(job) -> int:
    db_name, partner, calendar_id, first, count, seed = job
    engine = make_engine(sa_url(db_name), pool_size=1)
    factory = make_session_factory(engine)
    today = utcnow().astimezone(BERLIN).date()
    stored = 0
    try:
        for start in range(first, first + count, BATCH):
            with transaction(factory) as session:
                store = SqlStore(session)
                for i in range(start, min(start + BATCH, first + count)):
                    store.put(calendar_id, f"angebot-{i:06d}.ics", offering(i, partner, today, seed))
                    stored += 1
    finally:
        engine.dispose()
    return stored


def offering(i: int, partner: dict, today: date, seed: int) -> bytes:
    """The i-th offering of the network, run by `partner`, as iCalendar."""
    rng = random.Random(seed * 1_000_003 + i)
    title, category, audiences = KINDS[rng.randrange(len(KINDS))]
    suffix = rng.choice(SUFFIXES)
    district = ""
    location = f"{partner['name']}, {partner['address']}"
    if rng.random() < 0.15:
        district = rng.choice(tuple(PLACES))
        location = rng.choice(PLACES[district])
    minutes = rng.choice((60, 90, 90, 120, 120, 180))
    local_start = time(rng.randrange(8, 19), rng.choice((0, 0, 15, 30, 30, 45)))
    title += (" am Vormittag" if local_start.hour < 12 else " am Nachmittag") if suffix == "*" else suffix
    kind = rng.random()
    if kind < 0.2:  # a single date in the coming months, a few just past
        day = today + timedelta(days=rng.randrange(-20, 120))
    else:  # a series that began this year (or begins soon) on a weekday, Saturdays rarer
        weekday = rng.choice((0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5))
        day = today + timedelta(days=rng.randrange(-200, 30))
        day += timedelta(days=(weekday - day.weekday()) % 7)
    dtstart = datetime.combine(day, local_start, BERLIN)

    cal = Calendar()
    cal.add("PRODID", "-//Treffpunkt Jena//Benchmark//DE")
    cal.add("VERSION", "2.0")
    cal.add_component(berlin_vtimezone())
    event = Event()
    uid = f"angebot-{i:06d}@bench.treffpunkt-jena.de"
    event.add("UID", uid)
    event.add("DTSTAMP", datetime(2026, 9, 1, 8, 0, tzinfo=timezone.utc))
    event.add("SUMMARY", title)
    event.add("DTSTART", dtstart)
    event.add("DTEND", dtstart + timedelta(minutes=minutes))
    event.add("CLASS", "PUBLIC" if rng.random() > 0.02 else "PRIVATE")
    event.add("LOCATION", location)
    event.add("DESCRIPTION", _description(title, partner["name"], rng))
    event.add("CATEGORIES", [category])
    event.add(AUDIENCE_PROPERTY, ",".join(audiences[: rng.choice((1, len(audiences)))]))
    facts = [fact for fact, share in FACTS if rng.random() < share]
    if "Familien" in audiences and rng.random() < 0.4:
        facts.append("kinderbetreuung")
    if facts:
        event.add(ACCESSIBILITY_PROPERTY, ",".join(facts))
    event.add(COST_PROPERTY, rng.choice(COSTS))
    if district:
        event.add(DISTRICT_PROPERTY, district)
    if rng.random() < 0.08:
        event.add(EASY_LANGUAGE_PROPERTY, EASY)
    if rng.random() < 0.3:
        event.add("URL", f"https://{partner['slug']}.example.org/angebote/{i}")
    overrides = []
    if kind >= 0.2:
        interval = 2 if kind < 0.3 else 1
        rule: dict = {"FREQ": "WEEKLY"}
        if kind < 0.25:  # monthly, e.g. the second Tuesday
            nth = (dtstart.day - 1) // 7 + 1
            rule = {"FREQ": "MONTHLY", "BYDAY": f"{min(nth, 4)}{'MO TU WE TH FR SA SU'.split()[dtstart.weekday()]}"}
        elif interval > 1:
            rule["INTERVAL"] = interval
        ends = rng.random()
        if ends < 0.45:
            rule["UNTIL"] = datetime.combine(SEASON_END, time(21, 59), timezone.utc)
        elif ends < 0.6:
            rule["COUNT"] = rng.randrange(8, 40)
        event.add("RRULE", rule)
        step = timedelta(weeks=interval)
        if rule["FREQ"] == "WEEKLY" and rng.random() < 0.12:  # a date that does not take place
            event.add("EXDATE", dtstart + step * rng.randrange(10, 30))
        if rule["FREQ"] == "WEEKLY" and rng.random() < 0.06:  # called off with a reason, or moved
            overrides.append(_override(event, uid, dtstart + step * rng.randrange(8, 32), minutes, rng))
    cal.add_component(event)
    for override in overrides:
        cal.add_component(override)
    return cal.to_ical()


def _description(title: str, partner: str, rng: random.Random) -> str:
    lines = [
        f"{title} – ein Angebot von {partner}.",
        rng.choice(
            (
                "Kommen Sie einfach vorbei, eine Anmeldung ist nicht nötig.",
                "Bitte melden Sie sich vorher telefonisch an, die Plätze sind begrenzt.",
                "Neue Gesichter sind herzlich willkommen, auch ohne Vorkenntnisse.",
            )
        ),
    ]
    if rng.random() < 0.5:
        lines.append("Bei Kaffee und Kuchen kommen Jung und Alt miteinander ins Gespräch.")
    return " ".join(lines)


def _override(master: Event, uid: str, when: datetime, minutes: int, rng: random.Random) -> Event:
    event = Event()
    event.add("UID", uid)
    event.add("DTSTAMP", master["DTSTAMP"].dt)
    event.add("RECURRENCE-ID", when)
    event.add("SUMMARY", master["SUMMARY"])
    event.add("CLASS", "PUBLIC")
    if rng.random() < 0.6:
        event.add("STATUS", "CANCELLED")
        event.add("COMMENT", rng.choice(REASONS))
        start = when
    else:
        start = when + timedelta(days=1)
        event.add("COMMENT", "Diesmal einen Tag später")
    event.add("DTSTART", start)
    event.add("DTEND", start + timedelta(minutes=minutes))
    return event


def index_size(db_name: str) -> dict:
    """What the public index holds after loading (rows of offerings and dates)."""
    with psycopg.connect(f"{PG}/{db_name}") as conn:
        offerings = conn.execute("SELECT count(*) FROM public_offerings").fetchone()[0]
        dates = conn.execute("SELECT count(*) FROM public_dates").fetchone()[0]
        objects = conn.execute("SELECT count(*) FROM calendar_objects WHERE NOT deleted").fetchone()[0]
        conn.execute("ANALYZE")
    return {"objects": objects, "offerings": offerings, "dates": dates}


def loaded(identity_db: str, calendar_db: str) -> bool:
    """Whether kept databases (--keep) hold offerings to measure again (--reuse); if so, they
    are brought to the newest schema first (a new column since they were kept)."""
    try:
        with psycopg.connect(f"{PG}/{calendar_db}") as conn:
            if conn.execute("SELECT count(*) FROM public_offerings").fetchone()[0] == 0:
                return False
    except psycopg.Error:
        return False
    upgrade(IDENTITY_MIGRATIONS, sa_url(identity_db))
    upgrade(calendar_service.MIGRATIONS, sa_url(calendar_db))
    return True
