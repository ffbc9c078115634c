"""Demo data of the Engagementbörse (make run): thirteen opportunities of the ten partners, as
they might really ask — a visiting service in Lobeda on weekday afternoons, grandparents by
choice in Winzerla, shifts at a neighbourhood festival — one waiting for the office's review.
Shift dates lie in the weeks after the loading day, so the demo never goes stale; a second load
adds nothing (opportunities are known by partner and title)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from shared.clock import utcnow
from shared.db import transaction

from services.engagement.db import models

LOCAL = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Demo:
    partner: str  # slug (shared/identity/demo.PARTNERS)
    title: str
    kind: str
    district: str
    topics: tuple[str, ...]
    with_whom: tuple[str, ...]
    description: str
    contact: tuple[str, str, str]  # name, email, phone
    place: str = ""
    weekdays: tuple[int, ...] = ()
    times_of_day: tuple[str, ...] = ()
    flexible: bool = False
    minutes: int = 120
    languages: tuple[str, ...] = ()
    certificate: bool = False
    state: str = "published"
    # shifts: (days from today, local start, hours, places)
    shifts: tuple[tuple[int, time, int, int], ...] = field(default=())


OPPORTUNITIES = (
    Demo(
        "mgh-lobeda",
        "Besuchsdienst für ältere Menschen in Lobeda",
        "regular",
        "Lobeda",
        ("visiting",),
        ("older_people", "people_with_dementia"),
        "Viele ältere Menschen in Lobeda bekommen kaum Besuch. Sie besuchen einmal in der Woche eine "
        "Seniorin oder einen Senior zu Hause: reden, vorlesen, einen kleinen Spaziergang machen.\n\n"
        "Vorher lernen Sie uns in einem Gespräch kennen, und wir begleiten Sie mit einem Treffen im Monat.",
        ("Petra Sommer", "besuchsdienst@example.org", "03641 123456"),
        "Karl-Marx-Allee 28, 07747 Jena",
        (0, 1, 2, 3, 4),
        ("afternoon",),
        minutes=120,
    ),
    Demo(
        "familienzentrum-winzerla",
        "Oma oder Opa auf Zeit",
        "regular",
        "Winzerla",
        ("grandparents",),
        ("children", "families"),
        "Familien ohne Großeltern in der Nähe freuen sich über eine Leih-Oma oder einen Leih-Opa: "
        "einmal pro Woche ein Nachmittag mit den Kindern, auf dem Spielplatz, beim Basteln oder Vorlesen.\n\n"
        "Wir stellen den Kontakt her und bleiben für Sie ansprechbar.",
        ("Jana Keller", "omaopa@example.org", "03641 223344"),
        "Oßmaritzer Straße 13, 07745 Jena",
        (1, 3),
        ("afternoon",),
        minutes=180,
        certificate=True,
    ),
    Demo(
        "awo-nord",
        "Mithelfen beim Mittagstisch",
        "regular",
        "Nord",
        ("lunch_table",),
        ("older_people", "everyone"),
        "Jeden Werktag kochen wir für 30 Gäste. Sie helfen beim Tischdecken, Ausgeben und Abwaschen – "
        "einmal in der Woche oder öfter, ganz wie Sie mögen.",
        ("Heike Brandt", "mittagstisch@example.org", "03641 334455"),
        "Dornburger Straße 24, 07743 Jena",
        (0, 1, 2, 3, 4),
        ("morning",),
        minutes=150,
    ),
    Demo(
        "stadtteilbuero-winzerla",
        "Hausaufgabenhilfe für Grundschulkinder",
        "regular",
        "Winzerla",
        ("homework",),
        ("children",),
        "Zweimal die Woche machen Kinder der 1. bis 4. Klasse bei uns Hausaufgaben. Sie hören zu, "
        "erklären und loben. Lehrerfahrung brauchen Sie nicht, Geduld schon.",
        ("Murat Demir", "hausaufgaben@example.org", "03641 445566"),
        "Anna-Siemsen-Straße 1, 07745 Jena",
        (0, 2),
        ("afternoon",),
        minutes=90,
        certificate=True,
    ),
    Demo(
        "caritas-ost",
        "Sprachcafé: Deutsch sprechen üben",
        "regular",
        "Ost",
        ("language",),
        ("people_new_to_germany",),
        "Im Sprachcafé üben Menschen, die neu in Jena sind, bei Kaffee und Kuchen Deutsch. Sie unterhalten "
        "sich mit ihnen über Alltag, Arbeit und Familie. Arabisch- oder Ukrainischkenntnisse helfen, "
        "sind aber keine Bedingung.",
        ("Olena Kravets", "sprachcafe@example.org", "03641 556677"),
        "Karl-Liebknecht-Straße 52, 07749 Jena",
        (3,),
        ("evening",),
        minutes=120,
        languages=("de",),
    ),
    Demo(
        "volkssolidaritaet-nord",
        "Handy-Sprechstunde für Seniorinnen und Senioren",
        "regular",
        "Nord",
        ("digital",),
        ("older_people",),
        "Wie schicke ich ein Foto an meine Enkel? Wie funktioniert die Bahn-App? In unserer Sprechstunde "
        "helfen Sie älteren Menschen mit Handy und Tablet – geduldig und ohne Fachwörter.",
        ("Gerd Lorenz", "handy@example.org", "03641 667788"),
        "Naumburger Straße 66, 07743 Jena",
        (2,),
        ("morning",),
        minutes=120,
    ),
    Demo(
        "drk-west",
        "Begleitung zu Arztbesuchen",
        "open",
        "West",
        ("accompanying",),
        ("older_people", "people_with_disabilities"),
        "Manche Menschen trauen sich allein nicht mehr zum Arzt oder zum Amt. Sie begleiten sie zu Fuß, "
        "mit Bus oder Straßenbahn – nach Absprache, wenn es Ihnen passt.",
        ("Sabine Wolf", "begleitung@example.org", "03641 778899"),
        "Westbahnhofstraße 8, 07745 Jena",
        flexible=True,
        minutes=180,
    ),
    Demo(
        "diakonie-zentrum",
        "Vorlesen im Seniorenheim am Markt",
        "regular",
        "Zentrum",
        ("culture", "visiting"),
        ("older_people", "people_with_dementia"),
        "Geschichten, Gedichte, die Zeitung von heute: Einmal in der Woche lesen Sie einer kleinen Runde "
        "im Seniorenheim vor. Eine ruhige, deutliche Stimme ist alles, was Sie brauchen.",
        ("Martin Engel", "vorlesen@example.org", "03641 889900"),
        "Markt 10, 07743 Jena",
        (4,),
        ("afternoon",),
        minutes=60,
    ),
    Demo(
        "stadtteilbuero-lobeda",
        "Helfen beim Lobedaer Nachbarschaftsfest",
        "shift",
        "Lobeda",
        ("festivals",),
        ("everyone", "families"),
        "Beim Nachbarschaftsfest brauchen wir Hände: am Kuchenstand, beim Kinderschminken, beim Auf- und "
        "Abbau. Tragen Sie sich für eine Schicht ein – drei Stunden, so viele Sie mögen.",
        ("Anke Richter", "fest@example.org", "03641 990011"),
        "Erlanger Allee 101, 07747 Jena",
        minutes=180,
        shifts=((12, time(10), 3, 3), (12, time(13), 3, 2), (12, time(16), 3, 2)),
    ),
    Demo(
        "familienzentrum-winzerla",
        "Interkulturelles Kochen mit Familien",
        "shift",
        "Winzerla",
        ("festivals", "culture"),
        ("families", "people_new_to_germany"),
        "Einmal im Monat kochen Familien aus vielen Ländern zusammen. Sie helfen beim Einkaufen, Schnippeln "
        "und Aufräumen und kommen mit den Familien ins Gespräch.",
        ("Jana Keller", "omaopa@example.org", "03641 223344"),
        "Oßmaritzer Straße 13, 07745 Jena",
        minutes=240,
        shifts=((9, time(15), 4, 2), (37, time(15), 4, 2)),
    ),
    Demo(
        "mgh-lobeda",
        "Gartengruppe im Generationengarten",
        "regular",
        "Lobeda",
        ("garden",),
        ("everyone", "families"),
        "Im Generationengarten hinter dem Haus gärtnern Jung und Alt zusammen. Von März bis Oktober "
        "samstags, im Winter planen wir bei Tee die nächste Saison.",
        ("Petra Sommer", "besuchsdienst@example.org", "03641 123456"),
        "Karl-Marx-Allee 28, 07747 Jena",
        (5,),
        ("morning",),
        minutes=180,
    ),
    Demo(
        "caritas-ost",
        "Bewegungstreff für Ältere begleiten",
        "regular",
        "Ost",
        ("sport",),
        ("older_people",),
        "Sanfte Gymnastik im Sitzen und Stehen: Sie unterstützen unsere Übungsleiterin, helfen beim "
        "Aufstellen der Stühle und achten darauf, dass niemand übersehen wird.",
        ("Olena Kravets", "sprachcafe@example.org", "03641 556677"),
        "Karl-Liebknecht-Straße 52, 07749 Jena",
        (1,),
        ("morning",),
        minutes=90,
    ),
    Demo(
        "drk-west",
        "Lesepatenschaft für Kinder aus zugewanderten Familien",
        "regular",
        "West",
        ("language", "grandparents"),
        ("children", "people_new_to_germany"),
        "Sie lesen einmal in der Woche mit einem Kind, das Deutsch als zweite Sprache lernt, und werden "
        "für ein Schuljahr seine Lesepatin oder sein Lesepate.",
        ("Sabine Wolf", "begleitung@example.org", "03641 778899"),
        "Westbahnhofstraße 8, 07745 Jena",
        (2,),
        ("afternoon",),
        minutes=60,
        certificate=True,
        state="in_review",
    ),
)


def load(app) -> int:
    """Add what is missing; returns how many opportunities were added."""
    partners = {p["slug"]: p["id"] for p in app.extensions["identity"].partners()}
    today = utcnow().astimezone(LOCAL).date()
    added = 0
    with transaction(app.extensions["db"]) as session:
        known = {tuple(r) for r in session.execute(select(models.Opportunity.partner_id, models.Opportunity.title))}
        for demo in OPPORTUNITIES:
            partner_id = partners.get(demo.partner)
            if partner_id is None or (partner_id, demo.title) in known:
                continue
            row = _row(demo, partner_id)
            session.add(row)
            for days, start, hours, places in demo.shifts:
                starts_at = datetime.combine(today + timedelta(days=days), start, LOCAL)
                row.shifts.append(
                    models.Shift(starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), capacity=places)
                )
            added += 1
    return added


def _row(demo: Demo, partner_id: int) -> models.Opportunity:
    name, email, phone = demo.contact
    return models.Opportunity(
        partner_id=partner_id,
        kind=demo.kind,
        title=demo.title,
        description=demo.description,
        district=demo.district,
        place=demo.place,
        topics=list(demo.topics),
        with_whom=list(demo.with_whom),
        weekdays=list(demo.weekdays),
        times_of_day=list(demo.times_of_day),
        flexible=demo.flexible,
        expected_minutes=demo.minutes,
        languages=list(demo.languages),
        certificate_needed=demo.certificate,
        contact_name=name,
        contact_email=email,
        contact_phone=phone,
        state=demo.state,
        published_at=utcnow() if demo.state == "published" else None,
    )
