"""The sources (calendars kept elsewhere) on SQLAlchemy: their rows, the read-only calendar each
feeds, which are due, and the lease that lets only one pull of a source run at a time (claimed
by a conditional UPDATE, so two workers that both saw a source due cannot both pull it; a lease
runs out, so a worker killed mid-pull does not stop the source for good)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from services.calendar.domain.pull_problem import PullProblem
from services.calendar.domain.source_draft import SourceDraft
from services.calendar.store.models import Calendar, CalendarObject, CalendarSource
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_rows import chunks

LEASE = timedelta(minutes=5)  # longer than a pull may take (fetch.TOTAL_SECONDS, the writes)


@dataclass(frozen=True)
class SourceInfo:
    id: int
    partner_id: int
    calendar_id: int
    calendar_slug: str
    calendar_name: str
    kind: str
    url: str
    username: str
    has_password: bool
    categories: tuple[str, ...]
    audiences: tuple[str, ...]
    district: str
    accessibility: tuple[str, ...]
    all_public: bool
    interval_minutes: int
    feed_minutes: int | None
    state: str  # new | ok | failing
    reason: str
    events: int
    skipped: int
    last_pull_at: datetime | None
    last_success_at: datetime | None
    next_pull_at: datetime
    # what the last pull kept for the next one
    reason_template: str = ""
    reason_params: str = "{}"
    etag: str = ""
    last_modified: str = ""
    content_hash: str = ""
    sync_token: str = ""
    remote_items: str = "{}"

    def reason_for_page(self, translate: Callable[[str], str]) -> str:
        """Why it fails, in the reader's language (`translate`: gettext); the German sentence
        where no msgid was kept."""
        if not self.reason_template:
            return self.reason
        try:
            return translate(self.reason_template) % json.loads(self.reason_params or "{}")
        except (ValueError, TypeError, KeyError):
            return self.reason

    @property
    def uids_by_href(self) -> dict[str, str]:
        try:
            found = json.loads(self.remote_items or "{}")
        except ValueError:
            return {}
        return found if isinstance(found, dict) else {}


def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in text.split(",") if w)


def _info(source: CalendarSource, calendar: Calendar) -> SourceInfo:
    return SourceInfo(
        id=source.id,
        partner_id=source.partner_id,
        calendar_id=source.calendar_id,
        calendar_slug=calendar.slug,
        calendar_name=calendar.displayname,
        kind=source.kind,
        url=source.url,
        username=source.username,
        has_password=bool(source.sealed_password),
        categories=_words(source.categories),
        audiences=_words(source.audiences),
        district=source.district,
        accessibility=_words(source.accessibility),
        all_public=source.all_public,
        interval_minutes=source.interval_minutes,
        feed_minutes=source.feed_minutes,
        state=source.state,
        reason=source.reason,
        reason_template=source.reason_template,
        reason_params=source.reason_params,
        events=source.events,
        skipped=source.skipped,
        last_pull_at=source.last_pull_at,
        last_success_at=source.last_success_at,
        next_pull_at=source.next_pull_at,
        etag=source.etag,
        last_modified=source.last_modified,
        content_hash=source.content_hash,
        sync_token=source.sync_token,
        remote_items=source.remote_items,
    )


def _apply(source: CalendarSource, draft: SourceDraft) -> None:
    source.kind, source.url, source.username = draft.kind, draft.url, draft.username
    d = draft.defaults
    source.categories, source.audiences = ",".join(d.categories), ",".join(d.audiences)
    source.district, source.accessibility, source.all_public = d.district, ",".join(d.accessibility), d.all_public
    source.interval_minutes = draft.interval_minutes


class Sources:
    def __init__(self, session: Session):
        self.session = session

    def _rows(self):
        return select(CalendarSource, Calendar).join(Calendar, Calendar.id == CalendarSource.calendar_id)

    def of_partner(self, partner_id: int) -> list[SourceInfo]:
        rows = self.session.execute(
            self._rows()
            .where(CalendarSource.partner_id == partner_id)
            .order_by(Calendar.displayname, CalendarSource.id)
        )
        return [_info(s, c) for s, c in rows]

    def get(self, source_id: int) -> SourceInfo | None:
        row = self.session.execute(self._rows().where(CalendarSource.id == source_id)).first()
        return _info(row[0], row[1]) if row else None

    def sealed_password(self, source_id: int) -> str:
        return self.session.scalar(select(CalendarSource.sealed_password).where(CalendarSource.id == source_id)) or ""

    def create(
        self,
        partner_id: int,
        slug: str,
        draft: SourceDraft,
        sealed_password: str,
        account_id: int | None,
        now: datetime,
    ) -> SourceInfo:
        """The source and its calendar (read-only, owned by the partner), due at once."""
        calendar = Calendar(
            slug=slug,
            kind="partner",
            owner_partner_id=partner_id,
            displayname=draft.name,
            description="",
            public=True,
            revision=1,
            room_revision=-1,
            read_only=True,
        )
        self.session.add(calendar)
        self.session.flush()
        source = CalendarSource(
            partner_id=partner_id,
            calendar_id=calendar.id,
            sealed_password=sealed_password,
            account_id=account_id,
            state="new",
            reason="",
            events=0,
            skipped=0,
            etag="",
            last_modified="",
            sync_token="",
            remote_items="{}",
            next_pull_at=now,
            created_at=now,
        )
        _apply(source, draft)
        self.session.add(source)
        self.session.flush()
        return _info(source, calendar)

    def update(
        self, source_id: int, draft: SourceDraft, sealed_password: str | None, account_id: int | None, now: datetime
    ) -> None:
        """New settings; a changed address or account starts over (no validators of the old
        one are sent to the new one) and the source is due at once."""
        source = self.session.get(CalendarSource, source_id)
        assert source is not None
        moved = (draft.kind, draft.url, draft.username) != (source.kind, source.url, source.username)
        changed_defaults = (
            ",".join(draft.defaults.categories) != source.categories
            or ",".join(draft.defaults.audiences) != source.audiences
            or ",".join(draft.defaults.accessibility) != source.accessibility
            or draft.defaults.district != source.district
            or draft.defaults.all_public != source.all_public
        )
        _apply(source, draft)
        if sealed_password is not None:
            source.sealed_password = sealed_password
            moved = True
        if moved or changed_defaults:  # the next pull reads everything again and rewrites what differs
            source.etag, source.last_modified, source.content_hash = "", "", ""
            source.sync_token, source.remote_items = "", "{}"
            source.next_pull_at = now
        source.account_id = account_id
        calendar = self.session.get(Calendar, source.calendar_id)
        assert calendar is not None
        if calendar.displayname != draft.name:
            calendar.displayname = draft.name
            calendar.revision += 1
        self.session.flush()

    def delete(self, source_id: int) -> None:
        """The source and its calendar, with every event in it."""
        calendar_id = self.session.scalar(select(CalendarSource.calendar_id).where(CalendarSource.id == source_id))
        if calendar_id is None:
            return
        self.session.execute(delete(CalendarSource).where(CalendarSource.id == source_id))
        SqlStore(self.session).delete_calendar(calendar_id)

    def pull_now(self, source_id: int, now: datetime) -> None:
        self.session.execute(update(CalendarSource).where(CalendarSource.id == source_id).values(next_pull_at=now))

    # --- pulls -----------------------------------------------------------------------------
    def due(self, now: datetime, limit: int) -> list[int]:
        return list(
            self.session.scalars(
                select(CalendarSource.id)
                .where(
                    CalendarSource.next_pull_at <= now,
                    or_(CalendarSource.lease_until.is_(None), CalendarSource.lease_until < now),
                )
                .order_by(CalendarSource.next_pull_at)
                .limit(limit)
            )
        )

    def claim(self, source_id: int, now: datetime, lease: timedelta = LEASE) -> bool:
        """True if this pull holds the source now; False while another one does, or when it is
        not due (a second message for the same source, sent while the first waited in the queue,
        finds it pulled already)."""
        claimed = self.session.execute(
            update(CalendarSource)
            .where(
                CalendarSource.id == source_id,
                CalendarSource.next_pull_at <= now,
                or_(CalendarSource.lease_until.is_(None), CalendarSource.lease_until < now),
            )
            .values(lease_until=now + lease)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(claimed, "rowcount", 0))

    def finish(
        self,
        source_id: int,
        now: datetime,
        next_pull_at: datetime,
        *,
        problem: PullProblem | None = None,
        events: int | None = None,
        skipped: int | None = None,
        feed_minutes: int | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        content_hash: str | None = None,
        sync_token: str | None = None,
        remote_items: dict[str, str] | None = None,
    ) -> None:
        """The pull's outcome, the lease given back: failing with `reason`, or ok."""
        source = self.session.get(CalendarSource, source_id, populate_existing=True)
        if source is None:  # deleted while it was pulled
            return
        source.lease_until, source.last_pull_at, source.next_pull_at = None, now, next_pull_at
        if problem is not None:
            source.state, source.reason = "failing", str(problem)[:1000]
            source.reason_template = problem.template
            source.reason_params = json.dumps(problem.params, ensure_ascii=False)
            return
        source.state, source.reason, source.last_success_at = "ok", "", now
        source.reason_template, source.reason_params = "", "{}"
        if events is not None:
            source.events = events
        if skipped is not None:
            source.skipped = skipped
        if feed_minutes is not None:
            source.feed_minutes = feed_minutes
        if etag is not None:
            source.etag = etag[:300]
        if last_modified is not None:
            source.last_modified = last_modified[:100]
        if content_hash is not None:
            source.content_hash = content_hash
        if sync_token is not None:
            source.sync_token = sync_token
        if remote_items is not None:
            source.remote_items = json.dumps(remote_items, sort_keys=True)

    def uids_elsewhere(self, partner_id: int, calendar_id: int, uids: list[str]) -> set[str]:
        """Which of `uids` live in another calendar of the same partner (the same event that
        arrives here another way: typed into the offering form, synced by CalDAV, another source)."""
        found: set[str] = set()
        for chunk in chunks(uids):
            found.update(
                self.session.scalars(
                    select(CalendarObject.uid)
                    .join(Calendar, Calendar.id == CalendarObject.calendar_id)
                    .where(
                        Calendar.owner_partner_id == partner_id,
                        Calendar.id != calendar_id,
                        CalendarObject.deleted.is_(False),
                        CalendarObject.uid.in_(chunk),
                    )
                )
            )
        return found
