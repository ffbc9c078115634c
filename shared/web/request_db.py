"""The request's own database session (this service's database), and its unit of work.

Reads during a request share one session, made on first use and closed at teardown; a change
is written in one `unit_of_work()` block (shared.db.transaction)."""

from __future__ import annotations

from contextlib import AbstractContextManager

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from shared.db import transaction


def db() -> Session:
    """The request's database session (own database of this service), closed at teardown."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db"]()
    session: Session = g.db_session
    return session


def unit_of_work() -> AbstractContextManager[Session]:
    """`with unit_of_work() as session:` — one transaction of this service's database for a
    request's change (shared.db.transaction: commits at the end of the block, rolls back when it
    is left by an exception; queued messages are published after the commit)."""
    return transaction(current_app.extensions["db"])


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    app.teardown_request(close_session)
