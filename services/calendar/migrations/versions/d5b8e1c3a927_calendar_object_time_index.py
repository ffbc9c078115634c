"""calendar: each object's time index (its instances) stored with it

Revision ID: d5b8e1c3a927
Revises: a3c1e0b7d201
Create Date: 2026-11-26 02:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd5b8e1c3a927'
down_revision = 'a3c1e0b7d201'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # rows stored before stay NULL: their index is built from the data on first use, as before
    with op.batch_alter_table('calendar_objects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_index', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('calendar_objects', schema=None) as batch_op:
        batch_op.drop_column('time_index')
