"""One invitation mail for the rooms it is addressed to: trusted, read, ordered, booked.

Each room is one unit of work: the record of the invitation (MailedInvitation), the booking and
the REPLY the booking use case queues for notify commit together, or nothing does. A message not
newer than the last one seen for its event and room (SEQUENCE, then DTSTAMP; per occurrence for
one sent on its own) changes nothing: a mail delivered twice books once and is answered once."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import timezone
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from shared.db import SessionFactory, transaction
from shared.identity.store import Principal

from services.rooms.booking import for_invitation
from services.rooms.booking.context import Ctx
from services.rooms.db.models import MailedInvitation, Room
from services.rooms.mailin import dates as invited, ical, mime, trust
from services.rooms.mailin.errors import Refused
from services.rooms.mailin.ical import Itip

log = logging.getLogger(__name__)
ROOM_ADDRESS = re.compile(r"raum-([1-9][0-9]{0,9})@(.+)", re.IGNORECASE)
MAX_ROOMS = 20  # room addresses in one mail
UNTITLED = "Termin"  # the booking's title when the invitation has no SUMMARY


@dataclass(frozen=True)
class World:
    """What a mail needs besides itself: the rooms database, a Ctx for each mail, who owns an
    address (identity), the relays trusted without DKIM and the DNS lookup for DKIM keys."""

    factory: SessionFactory
    ctx_of: Callable[[], Ctx]
    people: Callable[[str], list[Principal]]
    relays: trust.Networks
    room_mail_domain: str
    dnsfunc: trust.DnsFunc | None = None
    # what the booking use case runs inside (the rooms app's context: its messages and hooks)
    scope: Callable[[], AbstractContextManager[Any]] = nullcontext


def room_id_of(address: str, domain: str) -> int | None:
    """The room an address is for (raum-<id>@<domain>, any case), or None."""
    match = ROOM_ADDRESS.fullmatch(address.strip().strip("<>"))
    if match is None or match.group(2).lower().rstrip(".") != domain.lower():
        return None
    return int(match.group(1))


def check_recipient(world: World, address: str) -> str | None:
    """None when the address is a bookable room's, else the reply code for RCPT."""
    room_id = room_id_of(address, world.room_mail_domain)
    if room_id is None:
        return "not_room"
    with world.factory() as session:
        room = session.get(Room, room_id)
        if room is None:
            return "not_room"
        return None if room.active else "room_retired"


def take(world: World, peer: str, raw: bytes, room_ids: Sequence[int]) -> dict[int, str]:
    """The reply code for each room (REPLIES): "taken", "known", or why the mail is refused."""
    try:
        itip, organizer = _trusted_invitation(world, peer, raw)
    except Refused as refused:
        log.warning(
            "mailin refused a mail for rooms %s from %s: %s", list(room_ids), peer, refused
        )  # the code, the sender's domain at most: no addresses in the log
        return {room_id: refused.code for room_id in room_ids}
    outcome = {}
    for room_id in room_ids:
        try:
            with world.scope(), transaction(world.factory) as session:
                outcome[room_id] = apply(session, itip, room_id, organizer, world.ctx_of())
        except Refused as refused:
            log.warning("mailin refused %s %s for room %s: %s", itip.method, itip.uid[:80], room_id, refused)
            outcome[room_id] = refused.code
        except (IntegrityError, OperationalError) as exc:  # a copy at the same moment, a database away
            log.warning("mailin could not record %s for room %s now: %s", itip.uid[:80], room_id, type(exc).__name__)
            outcome[room_id] = "unavailable"
        else:
            log.info("mailin %s %s for room %s: %s", itip.method, itip.uid[:80], room_id, outcome[room_id])
    return outcome


def _trusted_invitation(world: World, peer: str, raw: bytes) -> tuple[Itip, Principal]:
    """The iTIP object and the account it books for; Refused unless the mail comes from a
    trusted relay or is signed by its From domain, and From and ORGANIZER are accounts."""
    mail = mime.calendar_of(raw)
    if not trust.from_relay(peer, world.relays):
        trust.check_dkim(raw, mail.sender, world.dnsfunc)
    sender = _one(world.people(mail.sender), "stranger")
    tz = world.ctx_of().tz
    itip = ical.parse(mail.calendar, tz)
    if not itip.organizer:
        raise Refused("organizer_stranger", "no ORGANIZER")
    organizer = sender if itip.organizer == mail.sender else _one(world.people(itip.organizer), "organizer_stranger")
    if organizer.partner_id is None:
        raise Refused("no_partner")
    if organizer.partner_id != sender.partner_id:
        raise Refused("other_partner")
    return itip, organizer


def _one(found: list[Principal], code: str) -> Principal:
    if not found:
        raise Refused(code)
    if len(found) > 1:
        raise Refused("ambiguous")
    return found[0]


def _stamp(itip: Itip) -> list[Any]:
    return [itip.sequence, itip.dtstamp.astimezone(timezone.utc).isoformat()]


def _newer(stamp: list[Any], stamps: dict[str, list[Any]], keys: Sequence[str]) -> bool:
    """Newer than the whole event's last stamp and, for each key, that occurrence's own."""
    mine = tuple(stamp)
    return all(tuple(stamps.get(k) or (-1, "")) < mine for k in ("", *keys))


def apply(session: Session, itip: Itip, room_id: int, organizer: Principal, ctx: Ctx) -> str:
    """Record the invitation for this room and hand it to the booking use case."""
    row = session.get(MailedInvitation, (itip.uid, room_id), with_for_update=True)
    if row is not None and row.account_id != organizer.account_id:
        # another organizer for a known event: only from the same partner (a colleague taking
        # it over), else anyone who learnt the UID could reorder or cancel someone's meeting
        before = ctx.principal_of(row.account_id)
        if before is None or before.partner_id != organizer.partner_id:
            raise Refused("not_yours")
    stamps: dict[str, list[Any]] = dict(row.stamps) if row is not None else {}
    stamp, tz = _stamp(itip), ctx.tz
    base = row.calendar if row is not None else ""
    if itip.method == "CANCEL" and not base:
        return "known"  # nothing of this event is booked here (never, or cancelled before)
    if itip.whole:
        if not _newer(stamp, stamps, tuple(stamps)):  # newer than the event and each occurrence heard of
            return "known"
        calendar, stamps = (itip.calendar if itip.method == "REQUEST" else ""), {"": stamp}
    else:
        occurrences = [k for k in itip.keys if _newer(stamp, stamps, (k,))]
        if not occurrences:
            return "known"
        if itip.method == "CANCEL":
            calendar = invited.without(base, tuple(occurrences), tz)
        else:
            calendar = invited.merge(base, itip.calendar, tz) if base else itip.calendar
        stamps |= {k: stamp for k in occurrences}
    dates = invited.dates_of(calendar, ctx.now, tz) if calendar else []
    if itip.method == "REQUEST" and not dates and not base:
        raise Refused("no_dates")
    if row is None:
        row = MailedInvitation(uid=itip.uid, room_id=room_id, counter=0)
        session.add(row)
    row.account_id, row.organizer = organizer.account_id, itip.organizer
    row.counter, row.stamps, row.calendar = (row.counter or 0) + 1, stamps, calendar
    session.flush()
    invitation = {
        "invitation_uid": itip.uid,
        "room_id": room_id,
        "sequence": row.counter,
        "account_id": organizer.account_id,
        "partner_id": organizer.partner_id,
        "title": itip.summary or UNTITLED,
        "description": itip.description,
        "dates": dates,
    }
    for_invitation.invite(session, invitation, ctx, via="imip", organizer=itip.organizer, event_sequence=itip.sequence)
    return "taken"
