"""The calendar's figures (domain/figures.py) summed by the database, for PostgreSQL and SQLite
(make run) alike: one query by month, one by district, one each by the categories and the
audiences of the shared vocabulary (passed in: every term, retired ones too, since a period may
hold them). A period has at most shared.periods.MAX_MONTHS months, the vocabulary a few dozen
words, so every query is bounded.

Each date is counted from exactly one place, by one rule: a date that began before the history's
mark (sql_held_dates: `until`) from the history, as it was when it began; any later one from the
public index (PublicOffering, PublicDate), as it stands now. Both are read by their start index."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, Select, String, Subquery, and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

from shared.identity.vocabulary import Vocabulary
from shared.periods import Period

from services.calendar.domain.figures import DateCounts, OfferingFigures
from services.calendar.store.models import Calendar, HeldDate, PublicDate, PublicOffering
from services.calendar.store.sql_held_dates import reach
from services.calendar.store.sql_public import holds
from services.calendar.store.sql_public_index import WINDOW_BACK

WHEN = PublicDate.starts_at.type


def _table(name: str, rows: Sequence[Sequence[object]], types: Sequence[TypeEngine]) -> Subquery:
    """A small literal table (the months' bounds, the vocabulary's words) to join to."""
    selects = [
        select(*(literal(value, type_).label(f"c{i}") for i, (value, type_) in enumerate(zip(row, types))))
        for row in rows
    ]
    return (union_all(*selects) if len(selects) > 1 else selects[0]).subquery(name)


def _source(start: datetime, end: datetime, until: datetime | None) -> Subquery:
    """Every date that begins in [start, end) once, with its offering's facets: from the history
    before `until`, from the public index from it on (only the index before the history began)."""
    index, offering = PublicDate, PublicOffering
    from_index = (
        select(
            offering.object_id.label("offering"),
            offering.partner_id,
            offering.district,
            offering.categories,
            offering.audiences,
            index.starts_at,
            index.cancelled,
        )
        .join(offering, offering.object_id == index.offering_id)
        .join(Calendar, Calendar.id == offering.calendar_id)
        .where(
            Calendar.public.is_(True),
            offering.hidden.is_(False),
            index.starts_at >= max(start, until or start),
            index.starts_at < end,
        )
    )
    if until is None or until <= start:
        return from_index.subquery("dates")
    held = HeldDate
    from_history = select(
        held.offering_id.label("offering"),
        held.partner_id,
        held.district,
        held.categories,
        held.audiences,
        held.starts_at,
        held.cancelled,
    ).where(held.public.is_(True), held.starts_at >= start, held.starts_at < min(end, until))
    return union_all(from_history, from_index).subquery("dates")


def _counts(dates: Subquery, now: datetime) -> tuple[ColumnElement, ...]:
    cancelled, starts_at = dates.c.cancelled, dates.c.starts_at
    return (
        func.count(func.distinct(dates.c.offering)),
        func.sum(case((and_(cancelled.is_(False), starts_at < now), 1), else_=0)),
        func.sum(case((and_(cancelled.is_(False), starts_at >= now), 1), else_=0)),
        func.sum(case((cancelled.is_(True), 1), else_=0)),
    )


def _dates(dates: Subquery, now: datetime, *keys) -> Select:
    """The period's dates with `keys` and their counts."""
    return select(*keys, *_counts(dates, now)).select_from(dates)


def _counted(row) -> DateCounts:
    return DateCounts(*(int(v or 0) for v in row[-4:]))


def _by_term(
    session: Session, dates: Subquery, column, vocabulary: Vocabulary, kind: str, now: datetime
) -> tuple[tuple[str, DateCounts], ...]:
    """Counts per term of the kind, in the vocabulary's order; a retired term only when it has
    offerings in the period."""
    active = set(vocabulary.keys(kind, active_only=True))
    found = _by_word(session, dates, column, vocabulary.keys(kind), now)
    return tuple((w, c) for w, c in found if w in active or c.offerings)


def _by_word(
    session: Session, dates: Subquery, column, words: tuple[str, ...], now: datetime
) -> tuple[tuple[str, DateCounts], ...]:
    """Counts per word of a facet stored as ",a,b," (one LIKE per word, as the public filter asks)."""
    if not words:
        return ()
    table = _table("words", [(w,) for w in words], [String()])
    query = _dates(dates, now, table.c.c0).join(table, holds(column, table.c.c0)).group_by(table.c.c0)
    found = {row[0]: _counted(row) for row in session.execute(query)}
    return tuple((w, found.get(w, DateCounts())) for w in words)


def offering_figures(
    session: Session,
    period: Period,
    tz: ZoneInfo,
    now: datetime,
    districts: Mapping[int, str],
    vocabulary: Vocabulary,
) -> OfferingFigures:
    """`districts`: each partner's district (identity's), for offerings that name none."""
    bounds = period.bounds(tz)
    history = reach(session)
    dates = _source(bounds[0], bounds[-1], history[1] if history else None)
    months = _table("months", [(i, bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)], [Integer(), WHEN, WHEN])
    by_month = {
        row[0]: _counted(row)
        for row in session.execute(
            _dates(dates, now, months.c.c0)
            .join(months, and_(dates.c.starts_at >= months.c.c1, dates.c.starts_at < months.c.c2))
            .group_by(months.c.c0)
        )
    }
    # grouped by the offering's own district and its partner (one pair per offering, unless the
    # history knows it elsewhere before); a partner's district comes from identity, not from here
    by_place: dict[str, DateCounts] = {}
    for row in session.execute(
        _dates(dates, now, dates.c.district, dates.c.partner_id).group_by(dates.c.district, dates.c.partner_id)
    ):
        place = row[0] or districts.get(row[1], "") or "–"
        by_place[place] = by_place.get(place, DateCounts()) + _counted(row)
    total = session.execute(_dates(dates, now)).one()
    return OfferingFigures(
        period=period,
        total=_counted(total),
        by_month=tuple((m, by_month.get(i, DateCounts())) for i, m in enumerate(period.months())),
        by_district=tuple(sorted(by_place.items())),
        by_category=_by_term(session, dates, dates.c.categories, vocabulary, "category", now),
        by_audience=_by_term(session, dates, dates.c.audiences, vocabulary, "audience", now),
        counted_from=history[0] if history else now - WINDOW_BACK,
    )
