"""The calendar's figures (domain/figures.py) summed by the database from the public index
(PublicOffering, PublicDate; ix_public_dates_start bounds each query to the period's dates), for
PostgreSQL and SQLite (make run) alike: one query by month, one by district, one each by the
categories and the audiences of the shared vocabulary (passed in: every term, retired ones too,
since a period may hold them). A period has at most shared.periods.MAX_MONTHS months, the
vocabulary a few dozen words, so every query is bounded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, Select, String, Subquery, and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from shared.identity.vocabulary import Vocabulary
from shared.periods import Period

from services.calendar.domain.figures import DateCounts, OfferingFigures
from services.calendar.store.models import Calendar, PublicDate, PublicOffering
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


def _counts(now: datetime) -> tuple:
    d = PublicDate
    return (
        func.count(func.distinct(PublicOffering.object_id)),
        func.sum(case((and_(d.cancelled.is_(False), d.starts_at < now), 1), else_=0)),
        func.sum(case((and_(d.cancelled.is_(False), d.starts_at >= now), 1), else_=0)),
        func.sum(case((d.cancelled.is_(True), 1), else_=0)),
    )


def _dates(now: datetime, start: datetime, end: datetime, *keys) -> Select:
    """The dates of the period of public offerings, with `keys` and their counts."""
    return (
        select(*keys, *_counts(now))
        .select_from(PublicDate)
        .join(PublicOffering, PublicOffering.object_id == PublicDate.offering_id)
        .join(Calendar, Calendar.id == PublicOffering.calendar_id)
        .where(
            Calendar.public.is_(True),
            PublicOffering.hidden.is_(False),
            PublicDate.starts_at >= start,
            PublicDate.starts_at < end,
        )
    )


def _counted(row) -> DateCounts:
    return DateCounts(*(int(v or 0) for v in row[-4:]))


def _by_term(
    session: Session, column, vocabulary: Vocabulary, kind: str, now, start, end
) -> tuple[tuple[str, DateCounts], ...]:
    """Counts per term of the kind, in the vocabulary's order; a retired term only when it has
    offerings in the period."""
    active = set(vocabulary.keys(kind, active_only=True))
    found = _by_word(session, column, vocabulary.keys(kind), now, start, end)
    return tuple((w, c) for w, c in found if w in active or c.offerings)


def _by_word(session: Session, column, words: tuple[str, ...], now, start, end) -> tuple[tuple[str, DateCounts], ...]:
    """Counts per word of a facet stored as ",a,b," (one LIKE per word, as the public filter asks)."""
    if not words:
        return ()
    table = _table("words", [(w,) for w in words], [String()])
    query = _dates(now, start, end, table.c.c0).join(table, holds(column, table.c.c0)).group_by(table.c.c0)
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
    start, end = bounds[0], bounds[-1]
    months = _table("months", [(i, bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)], [Integer(), WHEN, WHEN])
    by_month = {
        row[0]: _counted(row)
        for row in session.execute(
            _dates(now, start, end, months.c.c0)
            .join(months, and_(PublicDate.starts_at >= months.c.c1, PublicDate.starts_at < months.c.c2))
            .group_by(months.c.c0)
        )
    }
    # grouped by the offering's own district and its partner (one pair per offering, so the
    # distinct counts add up); a partner's district comes from identity, not from this database
    by_place: dict[str, DateCounts] = {}
    for row in session.execute(
        _dates(now, start, end, PublicOffering.district, PublicOffering.partner_id).group_by(
            PublicOffering.district, PublicOffering.partner_id
        )
    ):
        place = row[0] or districts.get(row[1], "") or "–"
        by_place[place] = by_place.get(place, DateCounts()) + _counted(row)
    total = session.execute(_dates(now, start, end)).one()
    return OfferingFigures(
        period=period,
        total=_counted(total),
        by_month=tuple((m, by_month.get(i, DateCounts())) for i, m in enumerate(period.months())),
        by_district=tuple(sorted(by_place.items())),
        by_category=_by_term(session, PublicOffering.categories, vocabulary, "category", now, start, end),
        by_audience=_by_term(session, PublicOffering.audiences, vocabulary, "audience", now, start, end),
        counted_from=now - WINDOW_BACK,
    )
