"""rooms: administration without a shell — floor, more equipment in words, accessibility facts
(lift, accessible toilet, hearing loop), house rules, and photos (room_images: the bytes once per
content; room_photos: each room's ordered photos with their alt text)

Issue 13. Existing rooms get empty texts and "no" for the new facts (nobody has said otherwise).

Revision ID: c5e8a2d7f104
Revises: a6f3c9e2d815
Create Date: 2026-12-12 10:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = 'c5e8a2d7f104'
down_revision = 'a6f3c9e2d815'
branch_labels = None
depends_on = None

FACTS = ("lift", "accessible_toilet", "hearing_loop")


def upgrade() -> None:
    op.add_column("rooms", sa.Column("equipment_other", sa.String(300), nullable=False, server_default=""))
    op.add_column("rooms", sa.Column("floor", sa.String(60), nullable=False, server_default=""))
    for fact in FACTS:
        op.add_column("rooms", sa.Column(fact, sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("rooms", sa.Column("house_rules", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "room_images",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "room_photos",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("room_id", sa.Integer(), sa.ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(64), sa.ForeignKey("room_images.digest"), nullable=False),
        sa.Column("alt", sa.String(300), nullable=False),
    )
    op.create_index("ix_room_photos_room_id", "room_photos", ["room_id"])


def downgrade() -> None:
    op.drop_index("ix_room_photos_room_id", table_name="room_photos")
    op.drop_table("room_photos")
    op.drop_table("room_images")
    with op.batch_alter_table("rooms") as batch:
        for column in ("house_rules", *reversed(FACTS), "floor", "equipment_other"):
            batch.drop_column(column)
