"""The XML of calendar-query and free-busy-query (RFC 4791 §9.6-9.9, §7.10) read into the
plain filter values of domain.filters. Malformed filters get 400 valid-filter; what we do not
support gets 403 supported-filter or supported-collation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from services.calendar.dav.webdav import CALDAV, DAV, DavError, clark
from services.calendar.domain.filters import (
    COLLATIONS,
    KNOWN_COMPONENTS,
    MATCH_TYPES,
    TIMED_COMPONENTS,
    CompFilter,
    ParamFilter,
    PropFilter,
    TextMatch,
)
from services.calendar.domain.limits import MAX_EPOCH, MIN_EPOCH

MAX_DEPTH = 8


def _c(name: str) -> str:
    return clark(CALDAV, name)


def invalid(message: str) -> DavError:
    return DavError(400, message, (CALDAV, "valid-filter"))


def parse_time(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp())
    except ValueError:
        raise invalid(f"Ungültige Zeitangabe {value!r} (erwartet UTC, z. B. 20260101T000000Z).") from None


def time_range(el) -> tuple[int, int]:
    """[start, end) in epoch seconds; a missing bound is open (RFC 4791 §9.9)."""
    start, end = parse_time(el.get("start")), parse_time(el.get("end"))
    if start is None and end is None:
        raise invalid("time-range braucht start oder end.")
    if start is not None and end is not None and end <= start:
        raise invalid("Im time-range muss end nach start liegen.")
    return clipped(start, end)


def clipped(start: int | None, end: int | None) -> tuple[int, int]:
    """The range within [min-date-time, max-date-time): nothing is stored outside, so the answer
    is the same, and neither an open end nor the year 1 reaches an expansion. A range wholly
    outside becomes the empty range at min-date-time."""
    start = MIN_EPOCH if start is None else max(start, MIN_EPOCH)
    end = MAX_EPOCH if end is None else min(end, MAX_EPOCH)
    return (start, end) if start < end else (MIN_EPOCH, MIN_EPOCH)


def parse_filter(query_root) -> CompFilter:
    found = query_root.findall(_c("filter"))
    if len(found) != 1 or len(found[0]) != 1 or found[0][0].tag != _c("comp-filter"):
        raise invalid("calendar-query braucht genau einen filter mit einem comp-filter VCALENDAR.")
    top = comp_filter(found[0][0], 0)
    if top.name != "VCALENDAR":
        raise invalid("Der äußere comp-filter muss VCALENDAR heißen.")
    if top.time_range is not None:
        raise invalid("Ein time-range auf VCALENDAR ist nicht erlaubt.")
    return top


def comp_filter(el, level: int) -> CompFilter:
    if level > MAX_DEPTH:
        raise invalid("Der Filter ist zu tief verschachtelt.")
    name = (el.get("name") or "").upper()
    if not name:
        raise invalid("comp-filter braucht ein name-Attribut.")
    if name not in KNOWN_COMPONENTS and name != "VCALENDAR":
        raise DavError(403, f"Nach der Komponente {name} kann nicht gefiltert werden.", (CALDAV, "supported-filter"))
    is_not_defined, rng, props, comps = False, None, [], []
    for child in el:
        if child.tag == _c("is-not-defined"):
            is_not_defined = True
        elif child.tag == _c("time-range"):
            if name not in TIMED_COMPONENTS:
                raise DavError(403, f"time-range auf {name} wird nicht unterstützt.", (CALDAV, "supported-filter"))
            rng = time_range(child)
        elif child.tag == _c("prop-filter"):
            props.append(prop_filter(child))
        elif child.tag == _c("comp-filter"):
            comps.append(comp_filter(child, level + 1))
        else:
            raise invalid(f"Unbekanntes Element {child.tag} in comp-filter.")
    if is_not_defined and (rng or props or comps):
        raise invalid("is-not-defined steht in einem comp-filter allein.")
    return CompFilter(name, is_not_defined, rng, tuple(props), tuple(comps))


def prop_filter(el) -> PropFilter:
    name = (el.get("name") or "").upper()
    if not name:
        raise invalid("prop-filter braucht ein name-Attribut.")
    is_not_defined, rng, match, params = False, None, None, []
    for child in el:
        if child.tag == _c("is-not-defined"):
            is_not_defined = True
        elif child.tag == _c("time-range"):
            rng = time_range(child)
        elif child.tag == _c("text-match"):
            match = text_match(child)
        elif child.tag == _c("param-filter"):
            params.append(param_filter(child))
        else:
            raise invalid(f"Unbekanntes Element {child.tag} in prop-filter.")
    if is_not_defined and (rng or match or params):
        raise invalid("is-not-defined steht in einem prop-filter allein.")
    return PropFilter(name, is_not_defined, rng, match, tuple(params))


def param_filter(el) -> ParamFilter:
    name = (el.get("name") or "").upper()
    if not name:
        raise invalid("param-filter braucht ein name-Attribut.")
    children = list(el)
    if len(children) > 1:
        raise invalid("param-filter enthält höchstens is-not-defined oder text-match.")
    if not children:
        return ParamFilter(name)
    if children[0].tag == _c("is-not-defined"):
        return ParamFilter(name, is_not_defined=True)
    if children[0].tag == _c("text-match"):
        return ParamFilter(name, text_match=text_match(children[0]))
    raise invalid(f"Unbekanntes Element {children[0].tag} in param-filter.")


def text_match(el) -> TextMatch:
    collation = el.get("collation") or "i;ascii-casemap"
    if collation not in COLLATIONS:
        raise DavError(
            403,
            f"Die Vergleichsregel {collation!r} wird nicht unterstützt (möglich: {', '.join(COLLATIONS)}).",
            (CALDAV, "supported-collation"),
        )
    negate = (el.get("negate-condition") or "no").lower()
    if negate not in ("yes", "no"):
        raise invalid("negate-condition ist yes oder no.")
    match_type = el.get("match-type") or "contains"
    if match_type not in MATCH_TYPES:
        raise DavError(403, f"match-type {match_type!r} wird nicht unterstützt.", (CALDAV, "supported-filter"))
    return TextMatch(el.text or "", collation, negate == "yes", match_type)


@dataclass(frozen=True)
class DataRequest:
    """What the client asked of CALDAV:calendar-data (None: it did not ask for data)."""

    expand: tuple[int, int] | None = None
    limit: tuple[int, int] | None = None  # limit-recurrence-set


def data_request(report_root) -> DataRequest | None:
    prop = report_root.find(clark(DAV, "prop"))
    el = prop.find(_c("calendar-data")) if prop is not None else None
    if el is None:
        return None
    expand = el.find(_c("expand"))
    limit = el.find(_c("limit-recurrence-set"))
    return DataRequest(_bounded_range(expand), _bounded_range(limit))


def _bounded_range(el) -> tuple[int, int] | None:
    if el is None:
        return None
    start, end = parse_time(el.get("start")), parse_time(el.get("end"))
    if start is None or end is None or end <= start:
        raise DavError(
            400,
            "expand und limit-recurrence-set brauchen start und end (end nach start).",
            (CALDAV, "valid-calendar-data"),
        )
    return clipped(start, end)


def outer_range(top: CompFilter) -> tuple[int | None, int | None, str | None]:
    """The range and component a SQL pre-filter may use: only that of a single, positive
    object component filter (anything else needs every object)."""
    if len(top.comps) != 1 or top.is_not_defined:
        return None, None, None
    comp = top.comps[0]
    if comp.is_not_defined or comp.name not in ("VEVENT", "VTODO", "VJOURNAL"):
        return None, None, None
    if comp.time_range is None or comp.name == "VTODO":  # §9.9 also asks COMPLETED and CREATED
        return None, None, comp.name
    return comp.time_range[0], comp.time_range[1], comp.name
