"""The outbox and inbox tables as Alembic operations: version 1 and the changes since.

Every service's migrations call these (the first creates the tables), so the copies cannot drift.
Each is frozen once released: a later change to the tables is a new function here and a new
revision in each service's chain (the account pages' outbox, in the identity database, too)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Protocol

import sqlalchemy as sa
from alembic.operations import BatchOperations


class Operations(Protocol):
    """The part of Alembic's operations these use: migrations pass the module `alembic.op` (a
    proxy to the running migration's alembic.operations.Operations), which fits, as does an
    Operations object."""

    def create_table(self, table_name: str, *columns: sa.schema.SchemaItem, **kw: Any) -> sa.Table: ...
    def drop_table(self, table_name: str, **kw: Any) -> None: ...
    def add_column(self, table_name: str, column: sa.Column[Any]) -> None: ...
    def create_index(self, index_name: str | None, table_name: str, columns: list[str], **kw: Any) -> None: ...
    def drop_index(self, index_name: str, table_name: str | None = None, **kw: Any) -> None: ...
    def execute(self, sqltext: str) -> None: ...
    def batch_alter_table(self, table_name: str) -> AbstractContextManager[BatchOperations]: ...


def create_v1(op: Operations) -> None:
    op.create_table(
        "inbox",
        sa.Column("message_id", sa.String(36), primary_key=True),
        sa.Column("task_name", sa.String(100), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_id", sa.String(36), nullable=False, unique=True),
        sa.Column("task_name", sa.String(100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
    )
    op.create_index("ix_outbox_next_attempt_at", "outbox", ["next_attempt_at"])
    op.create_index("ix_outbox_sent_at", "outbox", ["sent_at"])


def drop_v1(op: Operations) -> None:
    op.drop_index("ix_outbox_sent_at", table_name="outbox")
    op.drop_index("ix_outbox_next_attempt_at", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("inbox")


def add_receipts_v2(op: Operations) -> None:
    """Receipts (shared/outbox.py): rows stay open until confirmed. Rows published before this
    revision count as confirmed, so an upgrade sends nothing again."""
    op.add_column("outbox", sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE outbox SET confirmed_at = sent_at WHERE sent_at IS NOT NULL")
    op.drop_index("ix_outbox_next_attempt_at", table_name="outbox")
    op.create_index(
        "ix_outbox_open",
        "outbox",
        ["next_attempt_at"],
        postgresql_where=sa.text("confirmed_at IS NULL"),
        sqlite_where=sa.text("confirmed_at IS NULL"),
    )


def drop_receipts_v2(op: Operations) -> None:
    op.drop_index("ix_outbox_open", table_name="outbox")
    op.create_index("ix_outbox_next_attempt_at", "outbox", ["next_attempt_at"])
    with op.batch_alter_table("outbox") as batch:  # SQLite cannot drop a column in place
        batch.drop_column("confirmed_at")


def drop_sent_index_v3(op: Operations) -> None:
    """No query looks rows up by sent_at (the relay reads open rows through ix_outbox_open); the
    index only cost a write on every publish. The hourly purges scan instead."""
    op.drop_index("ix_outbox_sent_at", table_name="outbox")


def restore_sent_index_v3(op: Operations) -> None:
    op.create_index("ix_outbox_sent_at", "outbox", ["sent_at"])


def add_request_id_v4(op: Operations) -> None:
    """The request id a row was written under, sent with every publish (shared/logs.py). Rows
    from before have none: their messages get a fresh id when published."""
    op.add_column("outbox", sa.Column("request_id", sa.String(64), nullable=True))


def drop_request_id_v4(op: Operations) -> None:
    with op.batch_alter_table("outbox") as batch:  # SQLite cannot drop a column in place
        batch.drop_column("request_id")
