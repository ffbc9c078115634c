"""Benchmark data for the Engagementbörse: the network's ten partners (bench/public_data.py's
identity database) and N published opportunities in an engagement database of its own, written
through the service's models in one transaction (there is no store to go through: the partner
pages add rows the same way).

The opportunities look like the demo's (services/engagement/demo.py) at the scale of a large
city's exchange: a third of them dated shifts (two to five each, in the coming weeks), the rest
regular roles on one to three weekdays or open ones agreed with the volunteer; mostly in the
partner's own district, one or two topics, published over the last three months. Seeded: the
same N gives the same opportunities."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import psycopg

from shared.clock import utcnow
from shared.db import make_engine, make_session_factory, transaction
from shared.migrate import upgrade

from services import engagement as engagement_service
from services.engagement.db import models
from services.engagement.domain.vocabulary import DISTRICTS

from bench_databases import PG, recreate_database, sa_url

LOCAL = ZoneInfo("Europe/Berlin")
SHIFT_SHARE = 3  # every third opportunity is one of dated shifts

# title, topics, with whom, what one does (the description's first sentence), Führungszeugnis
KINDS = (
    (
        "Besuchsdienst für ältere Menschen",
        ("visiting",),
        ("older_people",),
        "Sie besuchen einmal in der Woche eine Seniorin oder einen Senior zu Hause: reden, vorlesen, spazieren gehen.",
        False,
    ),
    (
        "Besuche bei Menschen mit Demenz",
        ("visiting",),
        ("people_with_dementia", "older_people"),
        "Sie schenken einem Menschen mit Demenz Zeit und entlasten die Angehörigen für ein paar Stunden.",
        False,
    ),
    (
        "Vorlesen im Seniorenheim",
        ("visiting", "culture"),
        ("older_people",),
        "Geschichten, Gedichte, die Zeitung von heute: Sie lesen einer kleinen Runde vor.",
        False,
    ),
    (
        "Oma oder Opa auf Zeit",
        ("grandparents",),
        ("children", "families"),
        "Einmal pro Woche ein Nachmittag mit den Kindern einer Familie ohne Großeltern in der Nähe.",
        True,
    ),
    (
        "Mithelfen beim Mittagstisch",
        ("lunch_table",),
        ("older_people", "everyone"),
        "Sie helfen beim Tischdecken, Ausgeben und Abwaschen, wenn wir für unsere Gäste kochen.",
        False,
    ),
    (
        "Hausaufgabenhilfe für Grundschulkinder",
        ("homework",),
        ("children",),
        "Kinder machen bei uns Hausaufgaben; Sie hören zu, erklären und loben.",
        True,
    ),
    (
        "Lernhilfe Mathe für Jugendliche",
        ("homework",),
        ("young_people",),
        "Sie üben mit Jugendlichen vor Klassenarbeiten und Prüfungen.",
        True,
    ),
    (
        "Sprachcafé: Deutsch sprechen üben",
        ("language",),
        ("people_new_to_germany",),
        "Bei Kaffee und Kuchen "
        "unterhalten Sie sich mit Menschen, die neu in Jena sind, über Alltag, Arbeit und Familie.",
        False,
    ),
    (
        "Begleitung zu Ämtern",
        ("language", "accompanying"),
        ("people_new_to_germany",),
        "Sie gehen mit zum Amt oder zur Bank und helfen, Formulare zu verstehen.",
        False,
    ),
    (
        "Lesepatenschaft",
        ("language", "grandparents"),
        ("children", "people_new_to_germany"),
        "Sie lesen einmal in der Woche mit einem Kind, das Deutsch als zweite Sprache lernt.",
        True,
    ),
    (
        "Handy-Sprechstunde für Seniorinnen und Senioren",
        ("digital",),
        ("older_people",),
        "Sie helfen älteren Menschen mit Handy und Tablet, geduldig und ohne Fachwörter.",
        False,
    ),
    (
        "Computerhilfe im Stadtteiltreff",
        ("digital",),
        ("everyone",),
        "E-Mail, Online-Termine, Bahn-App: Sie zeigen, wie es geht.",
        False,
    ),
    (
        "Gartengruppe im Generationengarten",
        ("garden",),
        ("everyone", "families"),
        "Jung und Alt gärtnern zusammen, Sie packen mit an und geben weiter, was Sie wissen.",
        False,
    ),
    (
        "Hochbeete für die Kita bauen",
        ("garden",),
        ("children", "families"),
        "Sie bauen und bepflanzen mit Eltern und Kindern Hochbeete.",
        False,
    ),
    (
        "Bewegungstreff für Ältere begleiten",
        ("sport",),
        ("older_people",),
        "Sie unterstützen die Übungsleiterin bei sanfter Gymnastik im Sitzen und Stehen.",
        False,
    ),
    (
        "Fußball-AG im Jugendhaus",
        ("sport",),
        ("young_people",),
        "Sie trainieren mit Jugendlichen und fahren mit zu Turnieren.",
        True,
    ),
    (
        "Spaziergänge mit Rollstuhl",
        ("accompanying", "sport"),
        ("people_with_disabilities", "older_people"),
        "Sie schieben jemanden, der allein nicht mehr hinauskommt, durch den Park.",
        False,
    ),
    (
        "Begleitung zu Arztbesuchen",
        ("accompanying",),
        ("older_people", "people_with_disabilities"),
        "Sie begleiten Menschen, die sich allein nicht mehr trauen, zu Fuß oder mit der Straßenbahn.",
        False,
    ),
    (
        "Einkaufshilfe in der Nachbarschaft",
        ("accompanying",),
        ("older_people",),
        "Sie kaufen ein oder gehen mit einkaufen, einmal in der Woche.",
        False,
    ),
    (
        "Kinderkino: Einlass und Popcorn",
        ("culture",),
        ("children", "families"),
        "Sie helfen beim Familienkino: Karten, Popcorn, Stühle.",
        False,
    ),
    (
        "Chor der Generationen: Noten und Technik",
        ("culture",),
        ("everyone",),
        "Sie kümmern sich um Noten, Mikrofone und den Raum, damit alle singen können.",
        False,
    ),
)
# a shift opportunity is a day's event: helpers per shift, the shift's hours
EVENTS = (
    (
        "Helfen beim Nachbarschaftsfest",
        ("festivals",),
        ("everyone", "families"),
        "Am Kuchenstand, beim Kinderschminken, beim Auf- und Abbau: Tragen Sie sich für eine Schicht ein.",
        False,
    ),
    (
        "Interkulturelles Kochen mit Familien",
        ("festivals", "culture"),
        ("families", "people_new_to_germany"),
        "Sie helfen beim Einkaufen, Schnippeln und Aufräumen und kommen mit den Familien ins Gespräch.",
        False,
    ),
    (
        "Woche der Generationen: Infostand",
        ("festivals",),
        ("everyone",),
        "Sie stehen am Stand, verteilen Programme und erzählen, was der Treffpunkt macht.",
        False,
    ),
    (
        "Flohmarkt für Kindersachen",
        ("festivals",),
        ("families",),
        "Sie nehmen Standgebühren, helfen beim Aufbau und bei Kaffee und Kuchen.",
        False,
    ),
    (
        "Erzählcafé mit Zeitzeugen",
        ("culture", "visiting"),
        ("older_people", "young_people"),
        "Sie bereiten den Raum vor, schenken aus und begleiten ältere Gäste zu ihrem Platz.",
        False,
    ),
    (
        "Frühjahrsputz im Stadtteil",
        ("garden",),
        ("everyone",),
        "Wir sammeln Müll und pflanzen Blumen, Handschuhe und Zangen bekommen Sie von uns.",
        False,
    ),
    (
        "Sportfest der Generationen",
        ("sport", "festivals"),
        ("everyone", "children"),
        "Sie betreuen eine Station, messen Zeiten und verteilen Urkunden.",
        False,
    ),
    (
        "Ausflug mit Seniorinnen und Senioren",
        ("accompanying", "culture"),
        ("older_people",),
        "Sie begleiten eine Gruppe auf einem Tagesausflug, helfen beim Ein- und Aussteigen.",
        False,
    ),
    (
        "Weihnachtsmarkt im Stadtteiltreff",
        ("festivals",),
        ("everyone", "families"),
        "Glühwein, Waffeln, Bastelstand: Sie helfen für ein paar Stunden mit.",
        False,
    ),
)
SUFFIXES = ("", "", "", "", " am Nachmittag", " – neue Gruppe", " (auch für Einsteiger)")
CONTACTS = ("Petra Sommer", "Jana Keller", "Heike Brandt", "Murat Demir", "Olena Kravets", "Gerd Lorenz",
            "Sabine Wolf", "Martin Engel", "Anke Richter", "Tobias Frank")  # fmt: skip
# local start hours: mornings, afternoons (12–17 h) and evenings, as the vocabulary counts them
HOURS = {"morning": (8, 9, 10, 11), "afternoon": (12, 13, 14, 15, 16), "evening": (17, 18, 19)}
TIMES = ("morning", "afternoon", "afternoon", "evening")
WEEKDAYS = (0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 6)  # Saturdays and Sundays rarer
WEEKLY_MINUTES = (60, 90, 120, 120, 120, 180, 240)
WHERE = {"Nord": "in Jena-Nord", "West": "in Jena-West", "Ost": "in Jena-Ost", "Zentrum": "im Zentrum"}


def make_engagement_db(db_name: str) -> None:
    recreate_database(db_name)
    upgrade(engagement_service.MIGRATIONS, sa_url(db_name))


def load(db_name: str, partners: list[dict], opportunities: int, seed: int) -> dict:
    """Write the published opportunities and their shifts; returns what was written."""
    engine = make_engine(sa_url(db_name))
    today = utcnow().astimezone(LOCAL).date()
    try:
        with transaction(make_session_factory(engine)) as session:
            rows = [opportunity(i, partners[i % len(partners)], today, seed) for i in range(opportunities)]
            session.add_all(rows)
            session.flush()
            return {"opportunities": len(rows), "shifts": sum(len(r.shifts) for r in rows)}
    finally:
        engine.dispose()


def opportunity(i: int, partner: dict, today, seed: int) -> models.Opportunity:
    """The i-th opportunity of the network, posted by `partner`."""
    rng = random.Random(seed * 1_000_003 + i)
    dated = i % SHIFT_SHARE == 0
    title, topics, with_whom, doing, certificate = rng.choice(EVENTS if dated else KINDS)
    district = partner["district"] if rng.random() < 0.85 else rng.choice(DISTRICTS)
    kind = "shift" if dated else ("open" if rng.random() < 0.15 else "regular")
    row = models.Opportunity(
        partner_id=partner["id"],
        kind=kind,
        title=f"{title}{rng.choice(SUFFIXES) if not dated else ''} {WHERE.get(district, 'in ' + district)}",
        description=f"{doing}\n\nVorher lernen Sie uns bei {partner['name']} in einem Gespräch kennen; "
        "wir begleiten Sie, und die Fahrtkosten übernehmen wir.",
        district=district,
        place=partner["address"] if district == partner["district"] else "",
        topics=list(topics),
        with_whom=list(with_whom),
        languages=["de"] if "language" in topics and rng.random() < 0.5 else [],
        certificate_needed=certificate,
        contact_name=rng.choice(CONTACTS),
        contact_email=f"{partner['slug']}@example.org",
        contact_phone=f"03641 {rng.randrange(100000, 999999)}",
        state="published",
        published_at=utcnow() - timedelta(days=rng.randrange(90), minutes=rng.randrange(24 * 60)),
    )
    if dated:
        hours = rng.choice((2, 3, 3, 4))
        row.expected_minutes = hours * 60
        day = today + timedelta(days=rng.randrange(3, 60))
        start = rng.choice(HOURS[rng.choice(TIMES)])
        many = rng.randrange(2, 6)
        # back to back on the day when they end by nine in the evening, else the same hours weekly
        step = timedelta(hours=hours) if start + hours * many <= 21 else timedelta(weeks=1)
        for n in range(many):
            starts = datetime.combine(day, time(start), LOCAL) + step * n
            row.shifts.append(
                models.Shift(starts_at=starts, ends_at=starts + timedelta(hours=hours), capacity=rng.randrange(2, 13))
            )
    elif kind == "open":
        row.flexible, row.expected_minutes = True, rng.choice(WEEKLY_MINUTES)
    else:
        row.weekdays = sorted(set(rng.sample(WEEKDAYS, rng.choice((1, 1, 2, 3)))))
        row.times_of_day = [rng.choice(TIMES)]
        row.expected_minutes = rng.choice(WEEKLY_MINUTES)
    return row


def counts(db_name: str) -> dict:
    """What the engagement database holds: opportunities by kind, shifts."""
    with psycopg.connect(f"{PG}/{db_name}") as conn:
        found = conn.execute("SELECT kind, count(*) FROM opportunity WHERE state = 'published' GROUP BY kind")
        kinds: dict[str, int] = {kind: n for kind, n in found}
        shifts = sum(n for (n,) in conn.execute("SELECT count(*) FROM shift"))
    return {"kinds": kinds, "opportunities": sum(kinds.values()), "shifts": shifts}


def opportunity_ids(db_name: str, n: int, seed: int) -> list[int]:
    """`n` published opportunities, a sample over all kinds (the offering pages of the bench)."""
    with psycopg.connect(f"{PG}/{db_name}") as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM opportunity WHERE state = 'published' ORDER BY id")]
    return sorted(random.Random(seed).sample(ids, min(n, len(ids))))
