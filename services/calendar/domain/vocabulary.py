"""The iCalendar properties that hold an offering's facets, so that a CalDAV client, the browser
form and the public pages read and write the same event. The words themselves (categories,
audiences, accessibility facts) are the shared vocabulary's (shared/identity/vocabulary.py,
edited by the office): categories and audiences are stored as German words (what Thunderbird
shows in its CATEGORIES field), accessibility facts as their keys in a comma-separated
X-TREFFPUNKT-ACCESSIBILITY; a filter on several facts asks for all of them."""

from __future__ import annotations

# Time of day by the local start: [from, to) in minutes after midnight, Europe/Berlin
TIMES_OF_DAY = {"vormittags": (0, 12 * 60), "nachmittags": (12 * 60, 17 * 60), "abends": (17 * 60, 24 * 60)}

AUDIENCE_PROPERTY = "X-TREFFPUNKT-AUDIENCE"
ACCESSIBILITY_PROPERTY = "X-TREFFPUNKT-ACCESSIBILITY"
COST_PROPERTY = "X-TREFFPUNKT-COST"  # free text ("3 € mit Mittagessen"); FREE_WORDS mean no cost
EASY_LANGUAGE_PROPERTY = "X-TREFFPUNKT-EASY-LANGUAGE"  # a short summary in Leichte Sprache
DISTRICT_PROPERTY = "X-TREFFPUNKT-DISTRICT"  # where it takes place, when not the partner's district
PARTNER_PROPERTY = "X-TREFFPUNKT-PARTNER"  # who runs a public room booking (room calendars only)
ROOM_PROPERTY = "X-TREFFPUNKT-ROOM"  # the exchange's room id, when a room was booked for it
IMAGE_ALT_PROPERTY = "X-TREFFPUNKT-IMAGE-ALT"  # what the picture (IMAGE) shows, for who cannot see it
OFFERING_PROPERTY = "X-TREFFPUNKT-OFFERING"  # a room booking made for an offering: the offering's UID
FACET_PROPERTIES = (
    AUDIENCE_PROPERTY,
    ACCESSIBILITY_PROPERTY,
    COST_PROPERTY,
    EASY_LANGUAGE_PROPERTY,
    DISTRICT_PROPERTY,
    PARTNER_PROPERTY,
    ROOM_PROPERTY,
    OFFERING_PROPERTY,
)
FREE_WORDS = ("kostenlos", "kostenfrei", "eintritt frei", "frei", "gratis", "0", "0 €", "0,00 €", "free")

LOCAL_TZID = "Europe/Berlin"
BUSY_SUMMARY = "Belegt"  # what a room calendar shows for a booking that is not public
PRIVATE_SUMMARY = "Beschäftigt"  # what others see of a partner's private event (busy time only)


def is_free(cost: str) -> bool:
    """True when the cost text says the offering costs nothing ("kostenlos", "Eintritt frei")."""
    return cost.strip().casefold().rstrip(".!") in FREE_WORDS
