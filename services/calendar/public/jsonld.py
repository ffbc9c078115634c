"""schema.org data of an offering's page, as Google's rich results for events read it: an
Event per coming date (name, startDate, endDate, location as a Place with a PostalAddress,
eventStatus, eventAttendanceMode, organizer, description, image, isAccessibleForFree), each a
subEvent of one EventSeries when the offering repeats. Accessibility facts of the place go in
Place.amenityFeature (schema.org has none for events)."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from shared.identity.vocabulary import FOR_EVERYONE

from services.calendar.domain.calendar_data import LOCAL
from services.calendar.domain.place import Place
from services.calendar.store.sql_public import PublicDateInfo, PublicEntry

SCHEMA = "https://schema.org"
ACCESS_FEATURES = {
    "stufenlos": "Stufenlos erreichbar",
    "hoerschleife": "Induktive Hörschleife",
    "gebaerdensprache": "Gebärdensprachdolmetschung (DGS)",
    "leichte-sprache": "Informationen in Leichter Sprache",
    "kinderbetreuung": "Kinderbetreuung",
}


def offering_graph(
    entry: PublicEntry, dates: list[PublicDateInfo], place: Place, partner: dict | None, url: str
) -> dict[str, Any]:
    common = _common(entry, place, partner, url)
    events = [_event(entry, d, common, f"{url}#termin-{d.key or 'einmalig'}") for d in dates]
    if not entry.recurring:
        return events[0] if events else {"@context": SCHEMA, "@type": "Event", **common}
    series = {"@context": SCHEMA, "@type": "EventSeries", "@id": url, **common}
    if events:
        series["startDate"] = events[0]["startDate"]
        series["subEvent"] = events
    return series


def script(data: dict[str, Any]) -> Markup:
    """The <script> element; "</" inside the JSON cannot close it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return Markup('<script type="application/ld+json">') + Markup(text) + Markup("</script>")


def _common(entry: PublicEntry, place: Place, partner: dict | None, url: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": entry.title,
        "url": url,
        "eventAttendanceMode": f"{SCHEMA}/OfflineEventAttendanceMode",
        "location": _place(entry, place),
        "isAccessibleForFree": entry.free,
        "inLanguage": "de",
    }
    if entry.description:
        data["description"] = entry.description
    if entry.image:
        data["image"] = [entry.image]
    if partner:
        data["organizer"] = {"@type": "Organization", "name": partner["name"], "url": entry.url or url}
    if entry.audiences and FOR_EVERYONE not in entry.audiences:
        data["audience"] = [{"@type": "Audience", "audienceType": a} for a in entry.audiences]
    if entry.cost and not entry.free:
        data["offers"] = {"@type": "Offer", "description": entry.cost, "priceCurrency": "EUR", "url": url}
    return data


def _place(entry: PublicEntry, place: Place) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Place", "name": place.name or place.address or entry.location or "Jena"}
    address = {"@type": "PostalAddress", "addressLocality": place.locality or "Jena", "addressCountry": "DE"}
    if place.street:
        address["streetAddress"] = place.street
    if place.postal_code:
        address["postalCode"] = place.postal_code
    data["address"] = address
    if entry.geo:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": entry.geo[0], "longitude": entry.geo[1]}
    features = [f for f in entry.accessibility if f in ("stufenlos", "hoerschleife")]
    if features:
        data["amenityFeature"] = [
            {"@type": "LocationFeatureSpecification", "name": ACCESS_FEATURES[f], "value": True} for f in features
        ]
    return data


def _event(entry: PublicEntry, d: PublicDateInfo, common: dict[str, Any], url: str) -> dict[str, Any]:
    status = "EventCancelled" if d.cancelled else "EventRescheduled" if d.moved else "EventScheduled"
    start, end = d.start.astimezone(LOCAL), d.end.astimezone(LOCAL)  # local time with its offset
    first = start.date().isoformat() if d.all_day else start.isoformat(timespec="minutes")
    last = end.date().isoformat() if d.all_day else end.isoformat(timespec="minutes")
    return {
        "@context": SCHEMA,
        "@type": "Event",
        **common,
        "url": url,
        "startDate": first,
        "endDate": last,
        "eventStatus": f"{SCHEMA}/{status}",
    }
