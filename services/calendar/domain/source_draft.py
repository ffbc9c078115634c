"""A source: a partner's calendar kept elsewhere (an ICS/webcal feed or a CalDAV collection)
that Treffpunkt pulls into a read-only calendar of its own. What a source is (SourceDraft), how
often it is pulled, and what its defaults write into events that say nothing themselves.
Pure: no Flask, no SQLAlchemy, no network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

from icalendar.cal import Component

from services.calendar.domain.vocabulary import ACCESSIBILITY_PROPERTY, AUDIENCE_PROPERTY, DISTRICT_PROPERTY

KINDS = ("ics", "caldav")
MIN_INTERVAL, DEFAULT_INTERVAL, MAX_INTERVAL = 15, 60, 24 * 60  # minutes between pulls
URL_MAX = 2000


class SourceProblem(ValueError):
    """A source that cannot be pulled as given; the message says why, in German."""


@dataclass(frozen=True)
class SourceDefaults:
    """Written into each event (master and overrides) that has no value of its own."""

    categories: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    district: str = ""
    accessibility: tuple[str, ...] = ()
    all_public: bool = True  # False: only events marked CLASS:PUBLIC are public


@dataclass(frozen=True)
class SourceDraft:
    kind: str
    url: str
    name: str  # the calendar's name in Treffpunkt
    username: str = ""
    interval_minutes: int = DEFAULT_INTERVAL
    defaults: SourceDefaults = SourceDefaults()


def source_url(kind: str, url: str) -> str:
    """The address to fetch: webcal:// and webcals:// mean https (as every calendar program
    reads them); only http and https with a host; no user:password in the address (CalDAV
    sources have fields of their own for them, and an ICS address would show them on the page)."""
    text = url.strip()
    if kind not in KINDS:
        raise SourceProblem("Bitte wählen Sie, ob es eine ICS-Adresse oder ein CalDAV-Kalender ist.")
    if not text:
        raise SourceProblem("Bitte geben Sie die Adresse des Kalenders an.")
    if len(text) > URL_MAX:
        raise SourceProblem(f"Die Adresse ist zu lang (höchstens {URL_MAX} Zeichen).")
    if any(c.isspace() or ord(c) < 32 for c in text):
        raise SourceProblem("Die Adresse darf keine Leerzeichen enthalten.")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise SourceProblem("Das ist keine gültige Internetadresse.") from None
    scheme = parts.scheme.lower()
    if scheme in ("webcal", "webcals"):
        if kind != "ics":
            raise SourceProblem("Eine webcal-Adresse ist ein ICS-Abonnement; bitte „ICS-Adresse“ wählen.")
        scheme = "https"
    if scheme not in ("http", "https"):
        raise SourceProblem("Die Adresse muss mit https://, http:// oder webcal:// beginnen.")
    if not parts.hostname:
        raise SourceProblem("In der Adresse fehlt der Name des Servers.")
    if parts.username or parts.password:
        raise SourceProblem(
            "Bitte keinen Benutzernamen oder kein Passwort in die Adresse schreiben; "
            "für CalDAV gibt es eigene Felder dafür."
        )
    netloc = parts.hostname if port is None else f"{parts.hostname}:{port}"
    if ":" in parts.hostname:  # an IPv6 literal keeps its brackets
        netloc = f"[{parts.hostname}]" + ("" if port is None else f":{port}")
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def bounded_interval(minutes: int) -> int:
    return max(MIN_INTERVAL, min(MAX_INTERVAL, minutes))


def pull_interval(chosen_minutes: int, feed_minutes: int | None) -> timedelta:
    """Time until the next pull: the partner's choice, or longer where the feed asks to be
    fetched less often (REFRESH-INTERVAL, X-PUBLISHED-TTL), always within the bounds."""
    minutes = bounded_interval(chosen_minutes)
    if feed_minutes is not None:
        minutes = max(minutes, bounded_interval(feed_minutes))
    return timedelta(minutes=minutes)


def apply_defaults(component: Component, defaults: SourceDefaults) -> None:
    """The source's facets where the event has none, and its CLASS as the source's choice says:
    all public (CLASS:PUBLIC), or only those marked PUBLIC (an event without CLASS becomes
    PRIVATE; CONFIDENTIAL and PRIVATE stay as they are)."""
    if defaults.categories and "CATEGORIES" not in component:
        component.add("CATEGORIES", list(defaults.categories))
    if defaults.audiences and AUDIENCE_PROPERTY not in component:
        component.add(AUDIENCE_PROPERTY, ",".join(defaults.audiences))
    if defaults.accessibility and ACCESSIBILITY_PROPERTY not in component:
        component.add(ACCESSIBILITY_PROPERTY, ",".join(defaults.accessibility))
    if defaults.district and DISTRICT_PROPERTY not in component:
        component.add(DISTRICT_PROPERTY, defaults.district)
    marked = str(component.get("CLASS", "")).upper()
    component.pop("CLASS", None)
    if defaults.all_public:
        component.add("CLASS", "PUBLIC")
    else:
        component.add("CLASS", marked if marked in ("PUBLIC", "CONFIDENTIAL") else "PRIVATE")
