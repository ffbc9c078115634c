"""notify: periodic_run, when the reminder scan last finished (its lag in the metrics)

Revision ID: a4d9e2b7c610
Revises: f7a1c3e6b25a
Create Date: 2026-12-05 18:10:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = 'a4d9e2b7c610'
down_revision = 'f7a1c3e6b25a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'periodic_run',
        sa.Column('task', sa.String(length=100), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('task'),
    )


def downgrade() -> None:
    op.drop_table('periodic_run')
