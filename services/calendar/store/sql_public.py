"""Reading the public pages' index: dates in a span under a PublicFilter, one offering with its
dates, and the objects a filtered feed holds. Plain values out (PublicListing, PublicEntry).

Only offerings of public calendars are read (a calendar made private hides its offerings at
once, without re-indexing). Facets are stored as ",a,b," so that each filter value is one LIKE;
search asks PostgreSQL's german full-text index, or SQLite's FTS5 table in make run, and a word
inside a title ("café" in "Seniorencafé", which no stemmer splits) is found by LIKE."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, literal, literal_column, or_, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session

from shared.db import as_utc
from shared.identity.vocabulary import FOR_EVERYONE

from services.calendar.domain.public_filter import PublicFilter
from services.calendar.store.models import LONGEST_DATE, Calendar, CalendarObject, PublicDate, PublicOffering
from services.calendar.store.records import ObjectInfo
from services.calendar.store.sql_rows import REPORT_COLUMNS, row_info

MAX_WORDS = 8  # of a search


@dataclass(frozen=True)
class PublicEntry:
    """An offering as its page shows it."""

    id: int
    uid: str
    calendar_id: int
    partner_id: int
    title: str
    description: str
    location: str
    district: str  # "": the partner's district
    categories: tuple[str, ...]
    audiences: tuple[str, ...]
    accessibility: tuple[str, ...]
    cost: str
    free: bool
    easy_language: str
    url: str
    image: str
    image_alt: str
    color: str
    geo: tuple[float, float] | None
    room_id: int | None
    recurring: bool


@dataclass(frozen=True)
class PublicDateInfo:
    start: datetime
    end: datetime
    all_day: bool
    cancelled: bool
    moved: bool
    note: str
    key: str


@dataclass(frozen=True)
class PublicListing:
    """One date of an offering, as a list shows it."""

    entry: PublicEntry
    date: PublicDateInfo


ENTRY_COLUMNS = (
    PublicOffering.object_id,
    PublicOffering.uid,
    PublicOffering.calendar_id,
    PublicOffering.partner_id,
    PublicOffering.title,
    PublicOffering.description,
    PublicOffering.location,
    PublicOffering.district,
    PublicOffering.categories,
    PublicOffering.audiences,
    PublicOffering.accessibility,
    PublicOffering.cost,
    PublicOffering.free,
    PublicOffering.easy_language,
    PublicOffering.url,
    PublicOffering.image,
    PublicOffering.image_alt,
    PublicOffering.color,
    PublicOffering.latitude,
    PublicOffering.longitude,
    PublicOffering.room_id,
    PublicOffering.recurring,
)
DATE_COLUMNS = (
    PublicDate.starts_at,
    PublicDate.ends_at,
    PublicDate.all_day,
    PublicDate.cancelled,
    PublicDate.moved,
    PublicDate.note,
    PublicDate.key,
)


def holds(
    column: ColumnElement[str] | InstrumentedAttribute[str], word: ColumnElement[str] | str
) -> ColumnElement[bool]:
    """A column of words stored as ",a,b," holds `word`, in any case (a calendar program may
    write "sport" for the vocabulary's "Sport"); keys hold no LIKE wildcards (vocabulary.py)."""
    return func.lower(column).like(func.lower(literal("%,") + word + literal(",%")))


class PublicQueries:
    def __init__(self, session: Session):
        self.session = session
        self.postgres = session.get_bind().dialect.name == "postgresql"

    def listings(
        self, chosen: PublicFilter, start: datetime, end: datetime, limit: int, offset: int = 0
    ) -> list[PublicListing]:
        """Dates starting in [start, end) (and those still running at `start`), by start time."""
        query = (
            self._offerings(chosen, *ENTRY_COLUMNS, *DATE_COLUMNS)
            .join(PublicDate, PublicDate.offering_id == PublicOffering.object_id)
            .where(_overlapping(start, end))
            .order_by(PublicDate.starts_at, PublicOffering.title, PublicOffering.object_id)
            .limit(limit)
            .offset(offset)
        )
        if chosen.times:
            query = query.where(_at_times(chosen, PublicDate.local_minute))
        rows = self.session.execute(query)
        return [PublicListing(_entry(row[: len(ENTRY_COLUMNS)]), _date(row[len(ENTRY_COLUMNS) :])) for row in rows]

    def starts(self, chosen: PublicFilter, start: datetime, end: datetime, limit: int = 5000) -> list[datetime]:
        """When the chosen dates in [start, end) begin (a month's overview counts them)."""
        query = (
            self._offerings(chosen, PublicDate.starts_at)
            .join(PublicDate, PublicDate.offering_id == PublicOffering.object_id)
            .where(_overlapping(start, end), PublicDate.cancelled.is_(False))
            .limit(limit)
        )
        if chosen.times:
            query = query.where(_at_times(chosen, PublicDate.local_minute))
        return [as_utc(s) for s in self.session.scalars(query)]

    def entry(self, object_id: int) -> PublicEntry | None:
        row = self.session.execute(
            self._offerings(PublicFilter(), *ENTRY_COLUMNS).where(PublicOffering.object_id == object_id)
        ).first()
        return _entry(row) if row else None

    def dates(self, object_id: int, start: datetime, limit: int) -> list[PublicDateInfo]:
        """The offering's dates ending after `start`, cancelled ones too."""
        rows = self.session.execute(
            select(*DATE_COLUMNS)
            .where(PublicDate.offering_id == object_id, PublicDate.ends_at > start)
            .order_by(PublicDate.starts_at)
            .limit(limit)
        )
        return [_date(row) for row in rows]

    def data(self, object_id: int) -> bytes | None:
        """The stored text of a public offering (to be passed through domain/disclosure)."""
        ics = self.session.scalar(
            select(CalendarObject.ics)
            .join(PublicOffering, PublicOffering.object_id == CalendarObject.id)
            .where(CalendarObject.id == object_id, CalendarObject.deleted.is_(False))
        )
        return ics.encode("utf-8") if ics else None

    def feed_objects(self, chosen: PublicFilter) -> list[ObjectInfo]:
        """The stored objects of the offerings `chosen` selects (for a feed)."""
        query = self._offerings(chosen, *REPORT_COLUMNS).join(
            CalendarObject, CalendarObject.id == PublicOffering.object_id
        )
        if chosen.times:
            query = query.where(
                exists().where(
                    PublicDate.offering_id == PublicOffering.object_id, _at_times(chosen, PublicDate.local_minute)
                )
            )
        rows = self.session.execute(query.order_by(PublicOffering.calendar_id, CalendarObject.name))
        return [row_info(row) for row in rows]

    def _offerings(self, chosen: PublicFilter, *columns):
        query = (
            select(*columns)
            .select_from(PublicOffering)
            .join(Calendar, Calendar.id == PublicOffering.calendar_id)
            .where(Calendar.public.is_(True), PublicOffering.hidden.is_(False))
        )
        for condition in self._conditions(chosen):
            query = query.where(condition)
        return query

    def _conditions(self, chosen: PublicFilter) -> list[ColumnElement[bool]]:
        o = PublicOffering
        out: list[ColumnElement[bool]] = []
        if chosen.partner_ids:
            out.append(o.partner_id.in_(sorted(chosen.partner_ids)))
        if chosen.districts:
            out.append(
                or_(
                    o.district.in_(sorted(chosen.districts)),
                    and_(o.district == "", o.partner_id.in_(sorted(chosen.district_partner_ids) or [-1])),
                )
            )
        if chosen.categories:
            out.append(or_(*(holds(o.categories, c) for c in sorted(chosen.categories))))
        if chosen.audiences:
            wanted = sorted(chosen.audiences | {FOR_EVERYONE})  # an offering for everyone is for each
            out.append(or_(*(holds(o.audiences, a) for a in wanted)))
        for fact in sorted(chosen.accessibility):
            out.append(holds(o.accessibility, fact))
        if chosen.free:
            out.append(o.free.is_(True))
        for word in search_words(chosen.query):
            out.append(self._matches(word))
        return out

    def _matches(self, word: str):
        o = PublicOffering
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        inside = or_(o.title.ilike(pattern, escape="\\"), o.location.ilike(pattern, escape="\\"))
        if self.postgres:
            return or_(o.search.op("@@")(func.plainto_tsquery(literal_column("'german'"), word)), inside)
        fts = text("SELECT rowid FROM public_offering_search WHERE public_offering_search MATCH :m").bindparams(
            m='"' + word.replace('"', "") + '"*'
        )
        return or_(o.object_id.in_(fts), inside)


def _overlapping(start: datetime, end: datetime):
    """Dates meeting [start, end). The lower bound on the start lets the index on starts_at begin
    near `start` instead of at the first date it holds; the few dates longer than that bound
    (PublicDate.spanning) are found beside it."""
    return and_(
        PublicDate.starts_at < end,
        PublicDate.ends_at > start,
        or_(PublicDate.starts_at > start - LONGEST_DATE, PublicDate.spanning.is_(True)),
    )


def search_words(query: str) -> list[str]:
    """The words of a search (letters and digits), at most MAX_WORDS."""
    return [w for w in re.findall(r"\w+", query)][:MAX_WORDS]


def _at_times(chosen: PublicFilter, minute):
    return or_(*(and_(minute >= low, minute < high) for low, high in chosen.minute_ranges()))


def _split(joined: str) -> tuple[str, ...]:
    return tuple(v for v in joined.split(",") if v)


def _entry(row) -> PublicEntry:
    (
        object_id, uid, calendar_id, partner_id, title, description, location, district, categories,
        audiences, accessibility, cost, free, easy, url, image, image_alt, color, latitude, longitude, room_id, recurring,
    ) = row  # fmt: skip
    return PublicEntry(
        object_id,
        uid,
        calendar_id,
        partner_id,
        title,
        description,
        location,
        district,
        _split(categories),
        _split(audiences),
        _split(accessibility),
        cost,
        free,
        easy,
        url,
        image,
        image_alt,
        color,
        (latitude, longitude) if latitude is not None and longitude is not None else None,
        room_id,
        recurring,
    )


def _date(row) -> PublicDateInfo:
    start, end, *rest = row
    return PublicDateInfo(as_utc(start), as_utc(end), *rest)
