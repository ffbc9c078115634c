"""The room exchange's figures (domain/figures.py) summed by the database: one query over the
dates of the period (by ix_occurrences_starts_at), one over the owners' decisions in the audit
log (by its `at` index), grouped by room and month, for PostgreSQL and SQLite (make run) alike.

The months are a small table of their UTC bounds (local month starts, shared.periods), joined to
the dates they overlap: a date over a month's end adds its minutes to both months. A period has
at most MAX_MONTHS months, so every query is bounded by the rooms times sixty."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, Subquery, and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from shared.periods import Period

from services.rooms.db.models import AuditEntry, Booking, ClosureRow, Occurrence, Room, RoomRulesRow, UTCDateTime
from services.rooms.db.queries import CLOSURE_COLUMNS, is_postgres, rules_from_columns
from services.rooms.domain import Closure, RoomRules
from services.rooms.domain.figures import RoomFigures, RoomInfo, RoomMonth, Use, open_minutes
from services.rooms.domain.slots import MAX_DURATION

# audit actions of booking/decide.py: approved all, declined all, some of each
APPROVED, DECLINED, DECIDED = "booking_approved", "booking_declined", "booking_decided"
MAX_ROOMS = 2000  # far more than a network of ten houses offers; keeps the page bounded


def _months(bounds: list[datetime]) -> Subquery:
    """(m, m_start, m_end): the index of each month and its UTC bounds."""
    rows = [
        select(
            literal(i, Integer).label("m"),
            literal(bounds[i], UTCDateTime()).label("m_start"),
            literal(bounds[i + 1], UTCDateTime()).label("m_end"),
        )
        for i in range(len(bounds) - 1)
    ]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("months")


def _minutes(session: Session, months: Subquery):
    """Minutes of a date inside its month: from the later of both starts to the earlier end."""
    if is_postgres(session):
        inside = func.least(Occurrence.ends_at, months.c.m_end) - func.greatest(Occurrence.starts_at, months.c.m_start)
        return func.extract("epoch", inside) / 60
    # SQLite: the two-argument min and max are scalar functions; times are UTC text (models.UTCDateTime)
    return (
        func.julianday(func.min(Occurrence.ends_at, months.c.m_end))
        - func.julianday(func.max(Occurrence.starts_at, months.c.m_start))
    ) * 1440


def _dates(session: Session, months: Subquery, start: datetime, end: datetime):
    """(month, room, state, booked by another partner, minutes, dates starting in the month)."""
    other = (Booking.booker_partner_id != Room.partner_id).label("other")
    return session.execute(
        select(
            months.c.m,
            Occurrence.room_id,
            Occurrence.state,
            other,
            func.sum(_minutes(session, months)),
            func.count(case((Occurrence.starts_at >= months.c.m_start, 1))),
        )
        .select_from(Occurrence)
        .join(Booking, Booking.id == Occurrence.booking_id)
        .join(Room, Room.id == Occurrence.room_id)
        .join(months, and_(Occurrence.starts_at < months.c.m_end, Occurrence.ends_at > months.c.m_start))
        .where(
            Occurrence.state.in_(("valid", "cancelled")),
            Occurrence.starts_at >= start - MAX_DURATION,  # no date is longer (domain/slots.py)
            Occurrence.starts_at < end,
        )
        .group_by(months.c.m, Occurrence.room_id, Occurrence.state, other)
    ).all()


def _decisions(session: Session, months: Subquery, start: datetime, end: datetime):
    """(month, room, action, how many) of the owners' decisions on requests."""
    return session.execute(
        select(months.c.m, AuditEntry.room_id, AuditEntry.action, func.count())
        .select_from(AuditEntry)
        .join(months, and_(AuditEntry.at >= months.c.m_start, AuditEntry.at < months.c.m_end))
        .where(AuditEntry.action.in_((APPROVED, DECLINED, DECIDED)), AuditEntry.at >= start, AuditEntry.at < end)
        .group_by(months.c.m, AuditEntry.room_id, AuditEntry.action)
    ).all()


def _uses(session: Session, months: Subquery, start: datetime, end: datetime) -> dict[tuple[int, int], Use]:
    """Use by (room id, month index), without the opening hours."""
    found: dict[tuple[int, int], Use] = defaultdict(Use)
    for m, room_id, state, other, minutes, starting in _dates(session, months, start, end):
        if state == "valid":
            booked = round(minutes or 0)
            use = Use(booked, booked if other else 0, starting, starting if other else 0)
        else:
            use = Use(cancelled=starting)
        found[room_id, m] += use
    for m, room_id, action, count in _decisions(session, months, start, end):
        if room_id is not None:
            found[room_id, m] += Use(
                approved=count if action in (APPROVED, DECIDED) else 0,
                declined=count if action in (DECLINED, DECIDED) else 0,
            )
    return found


def _terms(session: Session, period: Period) -> tuple[dict[int, RoomRules], list[tuple[int, Closure]]]:
    """Each room's rules (rooms without a row have the defaults) and the closures (partner id,
    closure) that touch the period."""
    rules = {
        room_id: rules_from_columns(opening, 0, 1, 1, 0, False)
        for room_id, opening in session.execute(select(RoomRulesRow.room_id, RoomRulesRow.opening))
    }
    closures = session.execute(
        select(ClosureRow.partner_id, *CLOSURE_COLUMNS).where(
            ClosureRow.last_day >= period.first.first_day, ClosureRow.first_day < period.last.plus(1).first_day
        )
    ).all()
    return rules, [(row[0], Closure(*row[1:])) for row in closures]


def room_figures(session: Session, period: Period, tz: ZoneInfo) -> RoomFigures:
    """Every room offered in the period's months or used in them, each month of the period."""
    bounds = period.bounds(tz)
    months = _months(bounds)
    uses = _uses(session, months, bounds[0], bounds[-1])
    used = {room_id for room_id, _m in uses}
    rooms = session.execute(
        select(Room.id, Room.name, Room.partner_id)
        .where(or_(Room.active, Room.id.in_(sorted(used) or [-1])))
        .order_by(Room.name, Room.id)
        .limit(MAX_ROOMS)
    ).all()
    rules, closures = _terms(session, period)
    rows = []
    for room_id, name, partner_id in rooms:
        room = RoomInfo(room_id, name, partner_id)
        opening = rules.get(room_id, RoomRules()).opening
        closed = [c for p, c in closures if p == partner_id and c.room_id in (None, room_id)]
        for index, month in enumerate(period.months()):
            use = uses.get((room_id, index), Use()) + Use(open_minutes=open_minutes(opening, closed, month))
            rows.append(RoomMonth(room, month, use))
    return RoomFigures(period, tuple(rows))
