"""What every public page is made of besides its own query: the calendars' state (a page's ETag
changes with it, conditional.py), the network's partners (filter names, who runs what) and the
shared vocabulary (filter choices and their labels), the last two read from identity together.

Read at most once every STATE_SECONDS per process for visitors without a login: under load a
page whose rendering is cached then costs no query at all, so the public pages answer nearly as
fast as a static file. A change committed in the same process is seen at once (init_app); one
made in another (a CalDAV write in another gunicorn worker, a message applied by the Celery
worker) reaches the public pages up to STATE_SECONDS later. A logged-in reader (staff looking
at what they just saved) always reads afresh."""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from shared.auth import current_account, identity
from shared.identity.store import PartnerInfo
from shared.identity.vocabulary import Vocabulary
from shared.web.request_db import db

from services.calendar.store.sql import SqlStore

STATE_SECONDS = 1.0
HELD = "calendar_public_snapshot"


@dataclass(frozen=True)
class Snapshot:
    state: tuple  # SqlStore.state_key()
    partners: tuple[PartnerInfo, ...]
    vocabulary: Vocabulary


def current() -> Snapshot:
    """The snapshot this request works with (the same for all its parts)."""
    if "public_snapshot" not in g:
        g.public_snapshot = _shared() if current_account() is None else _read()
    found: Snapshot = g.public_snapshot
    return found


def held_fresh(app: Flask) -> Snapshot | None:
    """The process's snapshot while it is young enough to trust without a query, else None."""
    held = app.extensions[HELD]
    found: Snapshot | None = held.get("latest")
    return found if found is not None and time.monotonic() - held["read_at"] <= STATE_SECONDS else None


def _shared() -> Snapshot:
    held = current_app.extensions[HELD]
    found = held_fresh(current_app)
    if found is None:
        # threads that miss together each read once; the last one written wins, all are current
        read, earlier = _read(), held.get("latest")
        # an unchanged snapshot stays the same object, so what was kept under it stays valid
        found = earlier if read == earlier else read
        held["latest"], held["read_at"] = found, time.monotonic()
    return found


def _read() -> Snapshot:
    people = identity()
    return Snapshot(SqlStore(db()).state_key(), tuple(people.partners()), people.vocabulary())


def init_app(app: Flask) -> None:
    """Forget the held snapshot after every commit of this app's database that wrote anything."""
    held: dict[str, object] = app.extensions.setdefault(HELD, {})
    factory: sessionmaker[Session] = app.extensions["db"]

    @event.listens_for(factory, "after_flush")
    def _wrote(session: Session, _context: object) -> None:
        session.info[HELD] = True

    @event.listens_for(factory, "after_commit")
    def _forget(session: Session) -> None:
        if session.info.pop(HELD, False):
            held.pop("latest", None)

    @event.listens_for(factory, "after_soft_rollback")
    def _undone(session: Session, _previous: object) -> None:
        session.info.pop(HELD, None)
