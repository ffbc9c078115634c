"""rooms: covering GiST index over the occupied time of valid occurrences (free-room search)

The exclusion constraint's index is keyed (room_id, during): right for one room's dates, but a
search over all rooms for one window has to walk most of it (400+ pages at 1M occurrences).
This index is keyed by `during` alone and carries room_id and starts_at, so "which rooms are
busy then, and from when" (queries.free_rooms, each room's buffer applied to starts_at) is an
index-only scan of a few pages. PostgreSQL only (SQLite has no `during`).

Revision ID: c7e1a9d4b2f0
Revises: b4d2f1c8e302
Create Date: 2026-11-26 01:45:00.000000
"""
from alembic import op

revision = 'c7e1a9d4b2f0'
down_revision = 'b4d2f1c8e302'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_occurrences_valid_during ON occurrences USING gist (during) INCLUDE (room_id, starts_at)"
                   " WHERE state = 'valid'")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_occurrences_valid_during")
