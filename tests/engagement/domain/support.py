"""Builders of realistic domain values for the engagement tests (Jena, the demo partners)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from services.engagement.domain.opportunity import PUBLISHED, Contact, Opportunity, Requirements, When
from services.engagement.domain.vocabulary import LOCAL_TZ

MGH_LOBEDA, FAMILIENZENTRUM_WINZERLA, AWO_NORD = 1, 4, 5


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def besuchsdienst(**changes: Any) -> Opportunity:
    """Besuchsdienst in Lobeda: visiting the very old on weekday afternoons, a draft."""
    o = Opportunity(
        id=1,
        partner_id=MGH_LOBEDA,
        kind="regular",
        title="Besuchsdienst für ältere Menschen in Lobeda",
        description="Einmal in der Woche eine ältere Dame oder einen älteren Herrn besuchen: reden, vorlesen, spazieren gehen.",
        district="Lobeda",
        contact=Contact("Petra Schulz", email="besuchsdienst@mgh-lobeda.example.org"),
        topics=("visiting",),
        with_whom=("older_people", "people_with_dementia"),
        when=When(weekdays=(1, 3), times_of_day=("afternoon",)),
        expected_minutes=120,
    )
    return replace(o, **changes)


def hausaufgabenhilfe(**changes: Any) -> Opportunity:
    """Hausaufgabenhilfe in Winzerla, needs the Führungszeugnis, published."""
    o = Opportunity(
        id=2,
        partner_id=FAMILIENZENTRUM_WINZERLA,
        kind="regular",
        title="Hausaufgabenhilfe im Familienzentrum",
        description="Grundschulkindern bei den Hausaufgaben helfen, Lesen üben, Mut machen.",
        district="Winzerla",
        contact=Contact("Jana Krüger", phone="03641 123456"),
        topics=("homework", "language"),
        with_whom=("children", "people_new_to_germany"),
        when=When(weekdays=(0, 2), times_of_day=("afternoon",)),
        expected_minutes=90,
        requirements=Requirements(languages=("de",), certificate_needed=True),
        state=PUBLISHED,
        published_at=local(2026, 11, 2, 9),
    )
    return replace(o, **changes)


def mittagstisch(**changes: Any) -> Opportunity:
    """Mittagstisch helpers in Nord, weekday mornings, published."""
    o = Opportunity(
        id=3,
        partner_id=AWO_NORD,
        kind="regular",
        title="Helfen beim Mittagstisch",
        description="Tische decken, Essen ausgeben, mit den Gästen ins Gespräch kommen.",
        district="Nord",
        contact=Contact("Uwe Hahn", email="mittagstisch@awo-nord.example.org"),
        topics=("lunch_table",),
        with_whom=("older_people", "everyone"),
        when=When(weekdays=(0, 1, 2, 3, 4), times_of_day=("morning",)),
        expected_minutes=180,
        state=PUBLISHED,
        published_at=local(2026, 10, 15, 12),
    )
    return replace(o, **changes)
