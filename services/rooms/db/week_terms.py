"""When rooms are closed in a span of days: their opening hours and the closures that touch the
span, for the week pictures of the room page and of the search results. Two queries for any
number of rooms. Plain SQLAlchemy, no Flask."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from services.rooms.db.models import ClosureRow, RoomRulesRow
from services.rooms.db.queries import CLOSURE_COLUMNS, RULES_COLUMNS, rules_from_columns
from services.rooms.domain import Closure, RoomRules


class RoomLike(Protocol):
    """A Room entity, or a row with the rooms table's columns (occupancy.free_rooms)."""

    id: Any
    partner_id: Any


@dataclass(frozen=True)
class ClosedTerms:
    rules: RoomRules = field(default_factory=RoomRules)
    closures: tuple[Closure, ...] = ()


def closed_terms(
    session: Session, rooms: Sequence[RoomLike], first_day: date, last_day: date
) -> dict[int, ClosedTerms]:
    """Room id -> its rules and the closures (its own and its partner's for all rooms) that cover
    any day of first_day..last_day; rooms without rules get the defaults (always open)."""
    if not rooms:
        return {}
    ids = [r.id for r in rooms]
    rules = {
        row.room_id: rules_from_columns(*row[1:])
        for row in session.execute(select(RoomRulesRow.room_id, *RULES_COLUMNS).where(RoomRulesRow.room_id.in_(ids)))
    }
    touching = session.execute(
        select(ClosureRow.partner_id, *CLOSURE_COLUMNS)
        .where(
            ClosureRow.partner_id.in_({r.partner_id for r in rooms}),
            or_(ClosureRow.room_id.in_(ids), ClosureRow.room_id.is_(None)),
            and_(ClosureRow.first_day <= last_day, ClosureRow.last_day >= first_day),
        )
        .order_by(ClosureRow.first_day, ClosureRow.id)
    ).all()
    return {
        r.id: ClosedTerms(
            rules.get(r.id, RoomRules()),
            tuple(
                Closure(*row[1:]) for row in touching if row.partner_id == r.partner_id and row.room_id in (None, r.id)
            ),
        )
        for r in rooms
    }
