"""The engagement exchange's fixed vocabulary: keys stored and filtered on, never words (the
pages word them). Fixed in code rather than in the office's editable vocabulary because rules
name them (the interest matching, the certificate for work with children)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Berlin")

# Jena's districts as the partners carry them (shared/identity/models.DISTRICTS, which imports
# SQLAlchemy and so cannot be imported here; tests/engagement/test_vocabulary.py keeps them equal)
DISTRICTS = ("Lobeda", "Winzerla", "Nord", "West", "Ost", "Zentrum")

TOPICS = (
    "visiting",  # Besuchsdienst: the very old, people with dementia
    "grandparents",  # Oma/Opa-Projekt and other Patenschaften
    "lunch_table",  # Mittagstisch
    "homework",  # Hausaufgabenhilfe
    "language",  # Sprachcafé, reading aloud, accompanying to offices
    "festivals",  # intercultural festivals, neighbourhood parties
    "digital",  # phone and tablet help
    "garden",
    "sport",
    "culture",
    "accompanying",  # walks, doctor's visits, shopping
)

WITH_WHOM = (
    "children",
    "young_people",
    "families",
    "older_people",
    "people_with_dementia",
    "people_new_to_germany",
    "people_with_disabilities",
    "everyone",
)

# Monday is 0, as datetime.weekday()
WEEKDAYS = (0, 1, 2, 3, 4, 5, 6)
WORKDAYS = (0, 1, 2, 3, 4)

# Time of day by the local start, [from, to) in minutes after midnight: the calendar's bounds
# (services/calendar/domain/vocabulary.TIMES_OF_DAY), so "nachmittags" means the same everywhere
TIMES_OF_DAY = {"morning": (0, 12 * 60), "afternoon": (12 * 60, 17 * 60), "evening": (17 * 60, 24 * 60)}


def time_of_day(moment: datetime) -> str:
    """The time of day an aware moment falls in, in Jena."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    local = moment.astimezone(LOCAL_TZ)
    minute = local.hour * 60 + local.minute
    return next(key for key, (start, end) in TIMES_OF_DAY.items() if start <= minute < end)


def local_weekday(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(LOCAL_TZ).weekday()


def unknown(values: tuple[object, ...], allowed: tuple[object, ...]) -> bool:
    """True when a value is not in the vocabulary or named twice."""
    return any(v not in allowed for v in values) or len(set(values)) != len(values)
