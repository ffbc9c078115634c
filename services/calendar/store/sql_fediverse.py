"""The fediverse side's tables (models.py, Fediverse*): actors, followers, published Events, the
scan's mark, activities, deliveries, paused peers and fetched keys. Queries only; the rules are in
domain/activitystreams.py and the use cases in fediverse/."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.calendar.store.models import (
    FederatedEvent,
    FediverseActivity,
    FediverseActor,
    FediverseDelivery,
    FediverseFollower,
    FediverseKey,
    FediverseMark,
    FediversePeer,
    FediverseSource,
    PublicDate,
    PublicOffering,
    RegionEvent,
)

MARK = "offerings"


class Fediverse:
    def __init__(self, session: Session):
        self.session = session

    def _insert(self, table: Any) -> Any:
        """INSERT … ON CONFLICT in this database's dialect (SQLite in make run)."""
        postgres = self.session.get_bind().dialect.name == "postgresql"
        return (postgresql if postgres else sqlite).insert(table)

    # actors

    def actor(self, name: str) -> FediverseActor | None:
        return self.session.scalar(select(FediverseActor).where(FediverseActor.name == name))

    def actor_by_id(self, actor_id: int) -> FediverseActor | None:
        return self.session.get(FediverseActor, actor_id)

    def actor_of_partner(self, partner_id: int) -> FediverseActor | None:
        return self.session.scalar(select(FediverseActor).where(FediverseActor.partner_id == partner_id))

    def add_actor(self, name: str, partner_id: int | None, public_pem: str, sealed_private: str) -> FediverseActor:
        """Insert unless another process just did (then theirs is returned)."""
        values = dict(name=name, partner_id=partner_id, public_key_pem=public_pem, private_key_sealed=sealed_private)
        self.session.execute(self._insert(FediverseActor).values(**values).on_conflict_do_nothing())
        found = self.actor(name)
        assert found is not None
        return found

    def actor_count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(FediverseActor)) or 0

    # followers

    def follow(self, actor_id: int, follower: str, inbox: str, shared_inbox: str, follow_id: str) -> None:
        values = dict(actor_id=actor_id, follower=follower, inbox=inbox, shared_inbox=shared_inbox, follow_id=follow_id)
        statement = self._insert(FediverseFollower).values(**values)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["actor_id", "follower"],
                set_=dict(inbox=inbox, shared_inbox=shared_inbox, follow_id=follow_id),
            )
        )

    def unfollow(self, actor_id: int, follower: str) -> int:
        result = self.session.execute(
            delete(FediverseFollower).where(
                FediverseFollower.actor_id == actor_id, FediverseFollower.follower == follower
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def unfollow_by_follow_id(self, follower: str, follow_id: str) -> int:
        result = self.session.execute(
            delete(FediverseFollower).where(
                FediverseFollower.follower == follower, FediverseFollower.follow_id == follow_id
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def forget_follower(self, follower: str) -> int:
        """A remote actor deleted itself: it follows nothing here any more."""
        result = self.session.execute(delete(FediverseFollower).where(FediverseFollower.follower == follower))
        return int(getattr(result, "rowcount", 0) or 0)

    def forget_inbox(self, inbox: str) -> int:
        """Followers delivered to at `inbox`, which answered 410 Gone: their accounts are no more."""
        result = self.session.execute(
            delete(FediverseFollower).where(
                or_(FediverseFollower.inbox == inbox, FediverseFollower.shared_inbox == inbox)
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def followers_count(self, actor_id: int) -> int:
        query = select(func.count()).select_from(FediverseFollower).where(FediverseFollower.actor_id == actor_id)
        return self.session.scalar(query) or 0

    def followers(self, actor_id: int) -> list[FediverseFollower]:
        return list(
            self.session.scalars(
                select(FediverseFollower).where(FediverseFollower.actor_id == actor_id).order_by(FediverseFollower.id)
            )
        )

    def inboxes(self, actor_ids: list[int]) -> list[str]:
        """Where to deliver to the followers of these actors: one copy per server that has a
        shared inbox, else each follower's own inbox."""
        rows = self.session.execute(
            select(FediverseFollower.inbox, FediverseFollower.shared_inbox).where(
                FediverseFollower.actor_id.in_(actor_ids)
            )
        )
        return sorted({shared or inbox for inbox, shared in rows})

    # published events

    def event(self, offering_id: int) -> FederatedEvent | None:
        return self.session.get(FederatedEvent, offering_id)

    def save_event(
        self, offering_id: int, actor_id: int, document: dict, digest: str, until: datetime | None, now: datetime
    ) -> FederatedEvent:
        found = self.event(offering_id)
        if found is None:
            found = FederatedEvent(offering_id=offering_id, published_at=now)
            self.session.add(found)
        found.actor_id, found.document, found.digest = actor_id, json.dumps(document), digest
        found.until, found.deleted, found.updated_at = until, False, now
        return found

    def mark_deleted(self, found: FederatedEvent, document: dict, now: datetime) -> None:
        found.document, found.digest, found.deleted, found.until, found.updated_at = (
            json.dumps(document),
            "",
            True,
            None,
            now,
        )

    def offerings_changed(self, since: datetime, after_id: int, limit: int) -> list[PublicOffering]:
        """Public offerings written after the mark (changed_at, then id for ties), oldest first."""
        return list(
            self.session.scalars(
                select(PublicOffering)
                .where(
                    or_(
                        PublicOffering.changed_at > since,
                        and_(PublicOffering.changed_at == since, PublicOffering.object_id > after_id),
                    )
                )
                .order_by(PublicOffering.changed_at, PublicOffering.object_id)
                .limit(limit)
            )
        )

    def offerings_changed_between(self, start: datetime, end: datetime, limit: int) -> list[PublicOffering]:
        """Public offerings stamped in [start, end], newest first (a second look behind the mark)."""
        return list(
            self.session.scalars(
                select(PublicOffering)
                .where(PublicOffering.changed_at >= start, PublicOffering.changed_at <= end)
                .order_by(PublicOffering.changed_at.desc())
                .limit(limit)
            )
        )

    def offering(self, offering_id: int) -> PublicOffering | None:
        return self.session.get(PublicOffering, offering_id)

    def next_date(self, offering_id: int, now: datetime) -> PublicDate | None:
        """The date under way or next; a cancelled one counts (its Event says so)."""
        return self.session.scalar(
            select(PublicDate)
            .where(PublicDate.offering_id == offering_id, PublicDate.ends_at > now)
            .order_by(PublicDate.starts_at)
            .limit(1)
        )

    def events_gone(self, limit: int) -> list[FederatedEvent]:
        """Published Events whose offering is no longer public (deleted, made private, hidden)."""
        shown = select(PublicOffering.object_id).where(PublicOffering.hidden.is_(False))
        return list(
            self.session.scalars(
                select(FederatedEvent)
                .where(FederatedEvent.deleted.is_(False), FederatedEvent.offering_id.not_in(shown))
                .limit(limit)
            )
        )

    def events_past(self, now: datetime, limit: int) -> list[int]:
        """Offerings whose published date is over: their Event moves on to the next date."""
        return list(
            self.session.scalars(
                select(FederatedEvent.offering_id)
                .where(FederatedEvent.deleted.is_(False), FederatedEvent.until < now)
                .order_by(FederatedEvent.until)
                .limit(limit)
            )
        )

    def events_count(self) -> int:
        query = select(func.count()).select_from(FederatedEvent).where(FederatedEvent.deleted.is_(False))
        return self.session.scalar(query) or 0

    # the scan's mark

    def mark(self) -> FediverseMark:
        found = self.session.get(FediverseMark, MARK, with_for_update=True)
        if found is None:
            self.session.execute(
                self._insert(FediverseMark)
                .values(name=MARK, at=datetime(1970, 1, 1, tzinfo=UTC), last_offering=0)
                .on_conflict_do_nothing()
            )
            found = self.session.get(FediverseMark, MARK, with_for_update=True)
        assert found is not None
        return found

    # activities and their deliveries

    def add_activity(self, key: str, actor_id: int, kind: str, document: dict, public: bool) -> FediverseActivity:
        row = FediverseActivity(key=key, actor_id=actor_id, kind=kind, document=json.dumps(document), public=public)
        self.session.add(row)
        self.session.flush()
        return row

    def activity(self, key: str) -> FediverseActivity | None:
        return self.session.scalar(select(FediverseActivity).where(FediverseActivity.key == key))

    def outbox_count(self, actor_id: int) -> int:
        query = select(func.count()).select_from(FediverseActivity)
        return self.session.scalar(query.where(FediverseActivity.actor_id == actor_id, FediverseActivity.public)) or 0

    def outbox_page(self, actor_id: int, before: int | None, size: int) -> list[FediverseActivity]:
        """Newest first; `before`: an activity id, the page starts below it."""
        query = select(FediverseActivity).where(FediverseActivity.actor_id == actor_id, FediverseActivity.public)
        if before is not None:
            query = query.where(FediverseActivity.id < before)
        return list(self.session.scalars(query.order_by(FediverseActivity.id.desc()).limit(size)))

    def add_deliveries(self, activity_id: int, inboxes: list[str], hosts: list[str], now: datetime) -> list[int]:
        if not inboxes:
            return []
        rows = [
            dict(activity_id=activity_id, inbox=inbox, host=host, next_at=now)
            for inbox, host in zip(inboxes, hosts, strict=True)
        ]
        statement = (
            self._insert(FediverseDelivery).values(rows).on_conflict_do_nothing().returning(FediverseDelivery.id)
        )
        return list(self.session.scalars(statement))

    def claim(self, delivery_id: int, now: datetime) -> FediverseDelivery | None:
        """The delivery, locked, when it is pending and due (a second task for it waits, then
        finds it delivered); None otherwise."""
        return self.session.scalar(
            select(FediverseDelivery)
            .where(FediverseDelivery.id == delivery_id, FediverseDelivery.state == "pending")
            .with_for_update(skip_locked=True)
        )

    def due_deliveries(self, now: datetime, limit: int) -> list[int]:
        """Pending deliveries whose time has come and whose task may have been lost."""
        return list(
            self.session.scalars(
                select(FediverseDelivery.id)
                .where(FediverseDelivery.state == "pending", FediverseDelivery.next_at <= now)
                .order_by(FediverseDelivery.next_at)
                .limit(limit)
            )
        )

    def peer(self, host: str) -> FediversePeer | None:
        return self.session.get(FediversePeer, host)

    def peer_succeeded(self, host: str) -> None:
        self.session.execute(delete(FediversePeer).where(FediversePeer.host == host))

    def peer_failed(self, host: str, pause_after: int, pause: timedelta, now: datetime) -> None:
        self.session.execute(
            self._insert(FediversePeer)
            .values(host=host, failures=1)
            .on_conflict_do_update(index_elements=["host"], set_=dict(failures=FediversePeer.failures + 1))
        )
        self.session.execute(
            update(FediversePeer)
            .where(FediversePeer.host == host, FediversePeer.failures >= pause_after)
            .values(paused_until=now + pause, failures=0)
        )

    def delivery_states(self) -> dict[str, int]:
        rows = self.session.execute(
            select(FediverseDelivery.state, func.count()).group_by(FediverseDelivery.state)
        ).all()
        return {state: count for state, count in rows}

    # remote keys

    def key(self, key_id: str) -> FediverseKey | None:
        return self.session.get(FediverseKey, key_id)

    def keep_key(self, key_id: str, owner: str, pem: str, now: datetime) -> None:
        statement = self._insert(FediverseKey).values(key_id=key_id, owner=owner, public_key_pem=pem, fetched_at=now)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["key_id"], set_=dict(owner=owner, public_key_pem=pem, fetched_at=now)
            )
        )


class Region:
    """The sources the office follows and their Events (the "Aus der Region" calendar)."""

    def __init__(self, session: Session):
        self.session = session

    def sources(self) -> list[FediverseSource]:
        return list(self.session.scalars(select(FediverseSource).order_by(FediverseSource.id)))

    def source(self, source_id: int) -> FediverseSource | None:
        return self.session.get(FediverseSource, source_id)

    def source_of(self, actor: str) -> FediverseSource | None:
        return self.session.scalar(select(FediverseSource).where(FediverseSource.actor == actor))

    def add_source(self, actor: str, name: str, inbox: str, partner_id: int, follow_id: str) -> FediverseSource:
        found = self.source_of(actor)
        if found is None:
            found = FediverseSource(actor=actor, partner_id=partner_id)
            self.session.add(found)
        found.name, found.inbox, found.follow_id, found.state = name[:200], inbox, follow_id, "requested"
        self.session.flush()
        return found

    def event(self, remote_id: str) -> RegionEvent | None:
        return self.session.scalar(select(RegionEvent).where(RegionEvent.remote_id == remote_id))

    def event_by_id(self, event_id: int) -> RegionEvent | None:
        return self.session.get(RegionEvent, event_id)

    def keep_event(self, remote_id: str, source_id: int, object_name: str, title: str, now: datetime) -> RegionEvent:
        found = self.event(remote_id)
        if found is None:
            found = RegionEvent(remote_id=remote_id, source_id=source_id, object_name=object_name, approved=False)
            self.session.add(found)
        found.title, found.updated_at = title[:200], now
        self.session.flush()
        return found

    def events(self, source_id: int | None = None) -> list[RegionEvent]:
        query = select(RegionEvent).order_by(RegionEvent.updated_at.desc())
        if source_id is not None:
            query = query.where(RegionEvent.source_id == source_id)
        return list(self.session.scalars(query.limit(500)))

    def drop_event(self, found: RegionEvent) -> None:
        self.session.delete(found)


def loads(text: str) -> Any:
    return json.loads(text)
