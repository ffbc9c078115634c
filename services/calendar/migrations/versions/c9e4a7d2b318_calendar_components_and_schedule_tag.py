"""calendar: the components a calendar takes (supported-calendar-component-set) and the
schedule tag of scheduling objects (RFC 6638 §3.2.10)

Revision ID: c9e4a7d2b318
Revises: b7f2d1b6c750
Create Date: 2026-12-05 19:15:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c9e4a7d2b318'
down_revision = 'b7f2d1b6c750'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # every calendar made before took events only: that is what it keeps declaring
    with op.batch_alter_table('calendars', schema=None) as batch_op:
        batch_op.add_column(sa.Column('components', sa.String(length=40), nullable=False, server_default='VEVENT'))
    # next to the ETag; unlike it, a schedule tag stays when only an attendee's reply is written
    with op.batch_alter_table('calendar_objects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('schedule_tag', sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('calendar_objects', schema=None) as batch_op:
        batch_op.drop_column('schedule_tag')
    with op.batch_alter_table('calendars', schema=None) as batch_op:
        batch_op.drop_column('components')
