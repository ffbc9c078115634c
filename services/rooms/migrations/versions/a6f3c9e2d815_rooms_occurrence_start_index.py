"""rooms: index over the start of every occurrence (the figures for a period of months)

The figures (db/figures.py) read all rooms' dates of up to five years by their start, in every
state; the other indexes are keyed by room first or hold valid dates only.

Revision ID: a6f3c9e2d815
Revises: b4d8e2f6a713
Create Date: 2026-12-01 10:00:00.000000
"""
from alembic import op

revision = 'a6f3c9e2d815'
down_revision = 'b4d8e2f6a713'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_occurrences_starts_at', 'occurrences', ['starts_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_occurrences_starts_at', table_name='occurrences')
