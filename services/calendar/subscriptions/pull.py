"""Pulling a source: fetch what changed at the partner's calendar and write only the changes
into the source's read-only calendar, through the store (SqlStore.put / delete keep the
revisions, sync tokens and the public pages' index right).

Three steps, so that no transaction stays open while a slow server is read: claim the source
(its lease: one pull at a time), fetch and import outside any transaction, then write the
changes and the outcome in one. A failure of any kind marks only this source failing, with its
reason in German for its page; the calendar keeps the last good copy, and the next pull comes
at the usual interval."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from shared.db import transaction

from services.calendar.domain.calendar_data import InvalidCalendarData
from services.calendar.domain.feed_import import ImportedObject, import_feed
from services.calendar.domain.pull_problem import N_, PullProblem
from services.calendar.domain.source_draft import SourceDefaults, pull_interval
from services.calendar.store.errors import PreconditionFailed, UidConflict, UnsupportedComponent
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_sources import SourceInfo, Sources
from services.calendar.subscriptions import fetch, remote_caldav
from services.calendar.subscriptions.remote import PullSettings, Remote
from services.calendar.subscriptions.sealing import Unreadable

log = logging.getLogger(__name__)
DUE_BATCH = 100  # sources sent to the queue by one run of pull_sources


@dataclass
class Outcome:
    state: str  # ok | failing | busy | gone
    added: int = 0
    changed: int = 0
    removed: int = 0
    skipped: int = 0
    reason: str = ""
    duplicates: list[str] = field(default_factory=list)
    unchanged: bool = False  # not modified (304, or the same bytes as last time): nothing read
    held: int | None = None  # events in the source's calendar afterwards (None: unchanged)


def defaults_of(source: SourceInfo) -> SourceDefaults:
    return SourceDefaults(
        categories=source.categories,
        audiences=source.audiences,
        district=source.district,
        accessibility=source.accessibility,
        all_public=source.all_public,
    )


def due_sources(factory, now: datetime, limit: int = DUE_BATCH) -> list[int]:
    with transaction(factory) as session:
        return Sources(session).due(now, limit)


def pull_source(factory, source_id: int, settings: PullSettings, clock: Callable[[], datetime]) -> Outcome:
    now = clock()
    with transaction(factory) as session:
        sources = Sources(session)
        source = sources.get(source_id)
        if source is None:
            return Outcome("gone")
        if not sources.claim(source_id, now):
            return Outcome("busy")  # pulled by another worker right now, or not due (pulled already)
        sealed = sources.sealed_password(source_id)
    try:
        remote = _fetch(source, sealed, settings, now)
    except PullProblem as exc:
        return _failed(factory, source, exc, clock())
    except Unreadable:
        unreadable = PullProblem(
            N_(
                "Das gespeicherte Passwort lässt sich nicht mehr lesen (der Schlüssel des Servers wurde "
                "geändert). Bitte geben Sie das Passwort auf der Seite dieser Quelle neu ein."
            )
        )
        return _failed(factory, source, unreadable, clock())
    except Exception as exc:  # a remote server can fail in ways no list foresees: this source only
        log.warning("source %s: pull failed: %r", source_id, exc)
        return _failed(factory, source, _caldav_reason(exc), clock())
    with transaction(factory) as session:
        outcome = write(session, source, remote)
        feed_minutes = remote.feed.refresh_minutes if remote.feed is not None else source.feed_minutes
        finished = clock()
        Sources(session).finish(
            source_id,
            finished,
            finished + pull_interval(source.interval_minutes, feed_minutes),
            events=outcome.held,
            skipped=outcome.skipped if remote.feed is not None else None,
            feed_minutes=feed_minutes,
            etag=remote.etag,
            last_modified=remote.last_modified,
            content_hash=remote.content_hash if source.kind == "ics" else None,
            sync_token=remote.sync_token if source.kind == "caldav" else None,
            remote_items=_remote_items(source, remote),
        )
    return outcome


def _failed(factory, source: SourceInfo, problem: PullProblem, now: datetime) -> Outcome:
    with transaction(factory) as session:
        Sources(session).finish(
            source.id, now, now + pull_interval(source.interval_minutes, source.feed_minutes), problem=problem
        )
    log.info("source %s failing: %s", source.id, problem)
    return Outcome("failing", reason=str(problem))


def _fetch(source: SourceInfo, sealed: str, settings: PullSettings, now: datetime) -> Remote:
    if source.kind == "caldav":
        password = settings.sealer.open(sealed)
        return remote_caldav.changes(source, password, defaults_of(source), now, settings)
    got = fetch.fetch(
        source.url,
        etag=source.etag,
        last_modified=source.last_modified,
        allow_private=settings.allow_private,
        max_bytes=settings.max_bytes,
        total_seconds=settings.total_seconds,
    )
    if got.not_modified:
        return Remote(None, etag=source.etag, last_modified=source.last_modified, content_hash=source.content_hash)
    digest = hashlib.sha256(got.body).hexdigest()
    if digest == source.content_hash:  # the same bytes as last time: a 304 in all but name
        return Remote(None, etag=got.etag, last_modified=got.last_modified, content_hash=digest)
    feed = import_feed(got.body, defaults_of(source), now)
    return Remote(feed, etag=got.etag, last_modified=got.last_modified, content_hash=digest)


def write(session, source: SourceInfo, remote: Remote) -> Outcome:
    """Only the changes: an event whose normalised iCalendar equals the stored one is left
    alone; one gone from the source is removed; one whose UID lives in another calendar of the
    partner is skipped (it arrives there another way) and counted."""
    if remote.feed is None:
        return Outcome("ok", unchanged=True)
    outcome = Outcome("ok")
    store = SqlStore(session)
    stored = {o.uid: o for o in store.objects(source.calendar_id, with_data=True)}
    objects = list(remote.feed.objects)
    elsewhere = Sources(session).uids_elsewhere(source.partner_id, source.calendar_id, [o.uid for o in objects])
    outcome.skipped = remote.feed.skipped
    kept: set[str] = set()
    for obj in objects:
        if obj.uid in elsewhere:
            outcome.skipped += 1
            outcome.duplicates.append(obj.uid)
            continue
        kept.add(obj.uid)
        known = stored.get(obj.uid)
        if known is not None and known.data == obj.data:
            continue
        if _put(store, source.calendar_id, obj, known is not None):
            if known is None:
                outcome.added += 1
            else:
                outcome.changed += 1
        else:
            outcome.skipped += 1  # a stored copy stays as it was
    if remote.complete:
        gone = [o for uid, o in stored.items() if uid not in kept]
    else:
        removed_uids = {source.uids_by_href.get(h) for h in remote.removed_hrefs} - {None}
        gone = [o for uid, o in stored.items() if uid in removed_uids or uid in elsewhere]
    for obj_info in gone:
        store.delete(source.calendar_id, obj_info.name)
        outcome.removed += 1
    outcome.held = len(stored) + outcome.added - outcome.removed
    return outcome


def _put(store: SqlStore, calendar_id: int, obj: ImportedObject, exists: bool) -> bool:
    """False when the store refuses the event (a limit of its own): it is skipped, not fatal."""
    try:
        with store.session.begin_nested():
            store.put(calendar_id, obj.name, obj.data)
    except (InvalidCalendarData, UnsupportedComponent, UidConflict, PreconditionFailed) as exc:
        log.info("calendar %s: event %s not stored: %s", calendar_id, obj.uid, exc)
        return False
    return True


def _remote_items(source: SourceInfo, remote: Remote) -> dict[str, str] | None:
    """CalDAV: which UID each remote href holds, for the deletions a later delta names."""
    if source.kind != "caldav" or remote.feed is None:
        return None
    known = {} if remote.complete else dict(source.uids_by_href)
    for href in remote.removed_hrefs:
        known.pop(href, None)
    known.update(remote.feed.uids_by_href)
    return known


def _caldav_reason(exc: Exception) -> PullProblem:
    name = type(exc).__name__
    if "Redirect" in name:
        return PullProblem(
            N_(
                "Der CalDAV-Server leitet auf eine andere Adresse weiter. Bitte tragen Sie die Adresse "
                "des Kalenders selbst ein (in Nextcloud: Kalender › ⋯ › „Interne Adresse kopieren“)."
            )
        )
    if "Authorization" in name or "401" in str(exc):
        return PullProblem(
            N_("Der CalDAV-Server lehnt Benutzername oder Passwort ab. Bitte prüfen Sie beides (App-Passwort).")
        )
    if "NotFound" in name or "404" in str(exc):
        return PullProblem(
            N_("Unter dieser Adresse gibt es keinen CalDAV-Kalender (nicht gefunden). Bitte prüfen Sie die Adresse.")
        )
    return PullProblem(N_("Der Kalender konnte nicht abgerufen werden (der Server antwortet nicht wie erwartet)."))
