"""Message contracts between the services: the only thing sender and receiver share.

A message is a Celery task called by name on the receiver's queue; its kwargs are plain JSON
values checked by the schema registered here for (task name, version). Both sides validate:
the sender before the outbox row is written, the receiver before acting.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

QUEUES = ("calendar", "rooms", "notify", "accounts", "engagement")
BOOKING_STATUSES = ("requested", "confirmed", "declined", "cancelled")
NOTICE_KINDS = ("requested", "approved", "declined", "confirmed", "changed", "cancelled", "reminder")


class Envelope(Schema):
    """Fields every message carries. message_id makes redelivery detectable; `sender` (the
    sending service, empty for none) is where the receiver sends its receipt."""

    message_id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    sender = fields.String(load_default="", validate=validate.OneOf(("",) + QUEUES))


class SpanV1(Schema):
    """A time from `starts_at` to `ends_at` (half-open), ends after it starts."""

    starts_at = fields.AwareDateTime(required=True, format="iso")
    ends_at = fields.AwareDateTime(required=True, format="iso")

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_: object) -> None:
        if data["ends_at"] <= data["starts_at"]:
            raise ValidationError("ends_at must be after starts_at", "ends_at")


class OccurrenceV1(SpanV1):
    state = fields.String(load_default="valid", validate=validate.OneOf(("valid", "cancelled")))
    # optional (senders may omit them): the sender's id of this date, and a link that cancels
    # only this date in one click (notify puts it into the reminder)
    id = fields.Integer(load_default=None, allow_none=True)
    cancel_url = fields.String(load_default="", validate=validate.Length(max=2000))


OPENING_DAYS = ("mo", "di", "mi", "do", "fr", "sa", "so")  # the rooms' weekday keys, Monday first
CLOCK = validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class OpeningHoursV1(Schema):
    opens = fields.String(required=True, validate=CLOCK)  # local wall-clock "08:00"
    closes = fields.String(required=True, validate=CLOCK)


class ClosedDaysV1(Schema):
    """Closed from `first_day` to `last_day`, both included, local days."""

    first_day = fields.Date(required=True)
    last_day = fields.Date(required=True)

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_: object) -> None:
        if data["last_day"] < data["first_day"]:
            raise ValidationError("last_day must not be before first_day", "last_day")


class RoomChangedV1(Envelope):
    """rooms -> calendar: a room was created or changed (also its rules or closures); its
    calendar and its principal's free/busy follow it. The rules came later: optional, and a
    sender that does not name them says "none" (no buffer, always open, never closed)."""

    room_id = fields.Integer(required=True)
    partner_id = fields.Integer(required=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    district = fields.String(load_default="")
    address = fields.String(load_default="")
    floor = fields.String(load_default="", validate=validate.Length(max=60))  # added later: optional
    capacity = fields.Integer(load_default=0)
    step_free = fields.Boolean(load_default=False)
    active = fields.Boolean(load_default=True)
    revision = fields.Integer(required=True)
    buffer_minutes = fields.Integer(load_default=0, validate=validate.Range(min=0, max=24 * 60))
    # weekday key -> hours; empty: no opening hours set (always open), else a day missing is closed
    opening = fields.Dict(
        keys=fields.String(validate=validate.OneOf(OPENING_DAYS)),
        values=fields.Nested(OpeningHoursV1),
        load_default=dict,
    )
    closures = fields.List(fields.Nested(ClosedDaysV1), load_default=list, validate=validate.Length(max=500))


class BookingChangedV1(Envelope):
    """rooms -> calendar: the whole current state of one booking (not a delta), so applying it
    twice, or an older one after a newer one (lower sequence), changes nothing."""

    booking_id = fields.Integer(required=True)
    uid = fields.String(required=True, validate=validate.Length(1, 255))
    sequence = fields.Integer(required=True, validate=validate.Range(min=0))
    room_id = fields.Integer(required=True)
    partner_id = fields.Integer(required=True, metadata={"description": "the booking partner"})
    title = fields.String(required=True, validate=validate.Length(1, 200))
    status = fields.String(required=True, validate=validate.OneOf(BOOKING_STATUSES))
    public = fields.Boolean(load_default=False)
    occurrences = fields.List(fields.Nested(OccurrenceV1), required=True)
    # the calendar offering this booking was made for (rooms.book_for_offering), "" for none
    offering_uid = fields.String(load_default="", validate=validate.Length(max=255))
    # where the room is: a public booking shows there in the network calendar, not in the
    # booker's district ("" from senders that do not say it)
    room_district = fields.String(load_default="", validate=validate.Length(max=60))
    room_address = fields.String(load_default="", validate=validate.Length(max=300))


class OfferingRepeatV1(Schema):
    """When an offering takes place, in local time, as both sides expand it: "once", "weekly"
    (every `interval` weeks), or "monthly" on the `ordinal` weekday (1..4, -1 = last); and
    `extra_dates` the series does not give (its dates moved to another time, whose own days
    are in `skip`), booked with it. Without them (older senders): the series alone."""

    first_day = fields.Date(required=True)
    start = fields.Time(required=True)
    end = fields.Time(required=True)
    freq = fields.String(required=True, validate=validate.OneOf(("once", "weekly", "monthly")))
    interval = fields.Integer(load_default=1, validate=validate.Range(1, 8))
    count = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 500))
    until = fields.Date(load_default=None, allow_none=True)
    ordinal = fields.Integer(load_default=None, allow_none=True, validate=validate.OneOf((1, 2, 3, 4, -1)))
    skip = fields.List(fields.Date(), load_default=list, validate=validate.Length(max=500))
    extra_dates = fields.List(fields.Nested(SpanV1), load_default=list, validate=validate.Length(max=200))


class OfferingRoomV1(Envelope):
    """calendar -> rooms: the room an offering wants for its dates (or, with room_id None, no
    room any more). The whole wish, not a change: rooms books it, moves the offering's booking to
    it, or cancels that booking; `sequence` grows with each wish, so an older one is ignored."""

    offering_uid = fields.String(required=True, validate=validate.Length(1, 255))
    sequence = fields.Integer(required=True, validate=validate.Range(min=0))
    room_id = fields.Integer(load_default=None, allow_none=True)
    account_id = fields.Integer(required=True, metadata={"description": "who asked (books in their name)"})
    partner_id = fields.Integer(required=True, metadata={"description": "the offering's partner"})
    title = fields.String(required=True, validate=validate.Length(1, 200))
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    public = fields.Boolean(load_default=True)
    repeat = fields.Nested(OfferingRepeatV1, load_default=None, allow_none=True)


class OfferingRoomAnswerV1(Envelope):
    """rooms -> calendar: what became of an offering's room wish. `state`: booked (see the
    booking's own calendar.booking_changed for its status), released (no room any more), or
    refused with a `reason` code and, for taken dates, which ones."""

    offering_uid = fields.String(required=True, validate=validate.Length(1, 255))
    sequence = fields.Integer(required=True, validate=validate.Range(min=0))
    state = fields.String(required=True, validate=validate.OneOf(("booked", "released", "refused")))
    room_id = fields.Integer(load_default=None, allow_none=True)
    booking_id = fields.Integer(load_default=None, allow_none=True)
    # the booking's status when answered; later changes come as its calendar.booking_changed
    booking_status = fields.String(load_default="", validate=validate.OneOf(("",) + BOOKING_STATUSES))
    reason = fields.String(load_default="", validate=validate.Length(max=60))
    taken = fields.List(fields.Date(), load_default=list, validate=validate.Length(max=500))


PARTSTATS = ("ACCEPTED", "TENTATIVE", "DECLINED")  # a room's answers (RFC 5545 PARTSTAT)


class InvitationDateV1(SpanV1):
    """One date of an invitation. `key` names it in the answer: the instance's RECURRENCE-ID in
    UTC (20261207T083000Z), or "" for an event that does not repeat."""

    key = fields.String(load_default="", validate=validate.Length(max=40))


class RoomInvitationV1(Envelope):
    """calendar -> rooms: a room invited to an event as an ATTENDEE (RFC 6638 implicit
    scheduling). The whole invitation, not a change: rooms books its dates (each checked on its
    own, under the same rules as the web form), follows the booking date by date when the event
    changes, and with `dates` empty (event deleted, room taken off it) cancels what is left.
    `sequence` grows with each invitation of this room to this event; an older one is ignored."""

    invitation_uid = fields.String(required=True, validate=validate.Length(1, 255))
    room_id = fields.Integer(required=True)
    sequence = fields.Integer(required=True, validate=validate.Range(min=0))
    account_id = fields.Integer(required=True, metadata={"description": "the organizer (books in their name)"})
    partner_id = fields.Integer(required=True, metadata={"description": "the organizer's partner"})
    title = fields.String(required=True, validate=validate.Length(1, 200))
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    dates = fields.List(fields.Nested(InvitationDateV1), load_default=list, validate=validate.Length(max=500))


class InvitationDateAnswerV1(Schema):
    key = fields.String(load_default="", validate=validate.Length(max=40))
    partstat = fields.String(required=True, validate=validate.OneOf(PARTSTATS))
    reason = fields.String(load_default="", validate=validate.Length(max=60))  # a DECLINED date's why


class RoomInvitationAnswerV1(Envelope):
    """rooms -> calendar: the room's answer to an invitation, one PARTSTAT per date key
    (TENTATIVE while the owner's approval is awaited). Sent after each invitation and again
    whenever its booking changes (approved, a date cancelled on the web, declined by the owner),
    so `(sequence, booking_sequence)` orders them: an answer older than one applied is ignored.
    `state`: booked, released (no dates asked any more) or refused (with `reason`, every date
    DECLINED)."""

    invitation_uid = fields.String(required=True, validate=validate.Length(1, 255))
    room_id = fields.Integer(required=True)
    sequence = fields.Integer(required=True, validate=validate.Range(min=0))
    booking_sequence = fields.Integer(load_default=0, validate=validate.Range(min=0))
    booking_id = fields.Integer(load_default=None, allow_none=True)
    state = fields.String(required=True, validate=validate.OneOf(("booked", "released", "refused")))
    reason = fields.String(load_default="", validate=validate.Length(max=60))
    dates = fields.List(fields.Nested(InvitationDateAnswerV1), load_default=list, validate=validate.Length(max=500))


class ItipReplyV1(Envelope):
    """rooms -> notify: a room's iTIP REPLY (RFC 5546) to an invitation that came by email
    (iMIP, RFC 6047), mailed to the organizer from the room's address. `reply_id` is the same
    for a redelivered message (one email, never two); `ics` is the whole METHOD:REPLY object."""

    reply_id = fields.String(required=True, validate=validate.Length(1, 255))
    to = fields.Email(required=True)
    room_address = fields.Email(required=True)
    room_name = fields.String(required=True, validate=validate.Length(1, 200))
    summary = fields.String(required=True, validate=validate.Length(1, 200))
    partstat = fields.String(required=True, validate=validate.OneOf(PARTSTATS + ("MIXED",)))
    ics = fields.String(required=True, validate=validate.Length(1, 200_000))
    # the organizer's account: the email is part of their data (export, erasure); 0 from older senders
    account_id = fields.Integer(load_default=0, validate=validate.Range(min=0))


class ItipRequestV1(Envelope):
    """calendar -> notify: an invitation (iTIP REQUEST) or its cancellation (CANCEL) for one
    person invited to an organizer's event saved over CalDAV: with calendar-auto-schedule
    advertised, calendar programs leave sending it to the server (RFC 6638 §3.2; iMIP, RFC
    6047). `request_id` is the same for a redelivered message (one email, never two); `ics` is
    the whole METHOD:REQUEST or METHOD:CANCEL object; the email comes from the service's address
    in the organizer's name, replies go to the organizer."""

    request_id = fields.String(required=True, validate=validate.Length(1, 255))
    method = fields.String(required=True, validate=validate.OneOf(("REQUEST", "CANCEL")))
    to = fields.Email(required=True)
    organizer_email = fields.Email(required=True)
    organizer_name = fields.String(load_default="", validate=validate.Length(max=200))
    summary = fields.String(required=True, validate=validate.Length(1, 200))
    ics = fields.String(required=True, validate=validate.Length(1, 500_000))
    account_id = fields.Integer(load_default=0, validate=validate.Range(min=0))  # the organizer's


class RoomRefV1(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    address = fields.String(load_default="")
    partner_name = fields.String(load_default="")


class RecipientV1(Schema):
    account_id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(load_default="", validate=validate.Length(max=254))
    phone = fields.String(load_default="", validate=validate.Length(max=32))
    language = fields.String(load_default="de", validate=validate.OneOf(("de", "en")))


class NoticeOccurrenceV1(OccurrenceV1):
    """A date as a notice tells it: also waiting for approval or declined by the owner, the
    owner's word on this one date, where it was before a change (both or neither), and whether
    the notice's cause touched it."""

    state = fields.String(load_default="valid", validate=validate.OneOf(("valid", "pending", "declined", "cancelled")))
    comment = fields.String(load_default="", validate=validate.Length(max=1000))
    was_starts_at = fields.AwareDateTime(load_default=None, allow_none=True, format="iso")
    was_ends_at = fields.AwareDateTime(load_default=None, allow_none=True, format="iso")
    # what this notice is about: the dates its cause changed (moved, cancelled, decided, put back)
    touched = fields.Boolean(load_default=False)

    @validates_schema
    def _was_whole(self, data: dict[str, Any], **_: object) -> None:
        if (data.get("was_starts_at") is None) != (data.get("was_ends_at") is None):
            raise ValidationError("was_starts_at and was_ends_at come together", "was_ends_at")


class PersonV1(Schema):
    """Who asked for a booking, as the room owner may see it."""

    name = fields.String(required=True, validate=validate.Length(max=200))
    partner_name = fields.String(load_default="", validate=validate.Length(max=200))
    email = fields.String(load_default="", validate=validate.Length(max=254))
    phone = fields.String(load_default="", validate=validate.Length(max=32))


class BookingNoticeV1(Envelope):
    """rooms -> notify: tell one person about a booking (email and/or SMS by their preferences).

    `role` says from which side the recipient sees it: "booker" (asked for it) or "owner" (staff
    of the room's partner). `booker` is who asked, `description` what the booking is for, `reason`
    why dates were cancelled. A notice of kind "requested" asks the owner to decide and carries no
    invitation."""

    kind = fields.String(required=True, validate=validate.OneOf(NOTICE_KINDS))
    booking_id = fields.Integer(required=True)
    uid = fields.String(required=True)
    sequence = fields.Integer(required=True, validate=validate.Range(min=0))
    title = fields.String(required=True)
    room = fields.Nested(RoomRefV1, required=True)
    recipient = fields.Nested(RecipientV1, required=True)
    occurrences = fields.List(fields.Nested(NoticeOccurrenceV1), required=True)
    link = fields.String(load_default="")
    comment = fields.String(load_default="")
    role = fields.String(load_default="booker", validate=validate.OneOf(("booker", "owner")))
    booker = fields.Nested(PersonV1, load_default=None, allow_none=True)
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    reason = fields.String(load_default="", validate=validate.Length(max=500))
    # the booking was made by inviting the room to an event in the booker's own calendar (CalDAV
    # or iMIP): that event is the booker's calendar entry, so their email carries no second one
    in_own_calendar = fields.Boolean(load_default=False)


class AccountMailV1(Envelope):
    """accounts -> notify: an email with a single-use link to one person, by email only (no
    preferences: the person may have no password yet, or has lost it). `purpose` "invite": set
    the first password of a new account; "reset": a new one for a forgotten password; "export":
    the person's data are ready to download (the link works until `expires_at`, after a login)."""

    account_id = fields.Integer(required=True)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = fields.String(required=True, validate=validate.Length(1, 200))
    username = fields.String(required=True, validate=validate.Length(1, 60))
    language = fields.String(load_default="de", validate=validate.OneOf(("de", "en")))
    purpose = fields.String(required=True, validate=validate.OneOf(("invite", "reset", "export")))
    link = fields.Url(required=True, require_tld=False, validate=validate.Length(max=2000))
    expires_at = fields.AwareDateTime(required=True, format="iso")
    # who invited, as the mail names them ("" for a reset)
    invited_by = fields.String(load_default="", validate=validate.Length(max=200))
    partner_name = fields.String(load_default="", validate=validate.Length(max=200))


ENGAGEMENT_PURPOSES = (
    "confirm",
    "application",
    "accepted",
    "declined",
    "in_touch",
    "signed_up",
    "waiting",
    "moved_up",
    "withdrawn",
    "removed",
    "reminder",
    "shift_message",
    "interest",
    "interest_match",
    "deleted",
)


class EngagementEventV1(SpanV1):
    """A shift date the volunteer can add to their calendar: REQUEST adds or updates it, CANCEL
    (same uid, higher sequence) removes it."""

    uid = fields.String(required=True, validate=validate.Length(1, 255))
    sequence = fields.Integer(required=True, validate=validate.Range(min=0))
    method = fields.String(load_default="REQUEST", validate=validate.OneOf(("REQUEST", "CANCEL")))
    title = fields.String(required=True, validate=validate.Length(1, 200))
    location = fields.String(load_default="", validate=validate.Length(max=300))
    description = fields.String(load_default="", validate=validate.Length(max=2000))


class EngagementMailV1(Envelope):
    """engagement -> notify: one message to one person (a volunteer, or a partner's contact about
    a volunteer), worded by the engagement service in the person's language; notify delivers it
    (email always, SMS too when sms_text and phone are given), with an invitation attached when
    `event` is given. `key` makes it idempotent: a second message with the same key sends nothing."""

    key = fields.String(required=True, validate=validate.Length(1, 200))
    purpose = fields.String(required=True, validate=validate.OneOf(ENGAGEMENT_PURPOSES))
    name = fields.String(required=True, validate=validate.Length(1, 200))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    phone = fields.String(load_default="", validate=validate.Length(max=32))
    language = fields.String(load_default="de", validate=validate.OneOf(("de", "en")))
    subject = fields.String(required=True, validate=validate.Length(1, 200))
    text = fields.String(required=True, validate=validate.Length(1, 10000))
    sms_text = fields.String(load_default="", validate=validate.Length(max=480))
    event = fields.Nested(EngagementEventV1, load_default=None, allow_none=True)


_URL = validate.URL(require_tld=False)


def _url_or_nothing(value: str) -> None:
    if value:
        _URL(value)


class EngagementShiftV1(SpanV1, Envelope):
    """engagement -> calendar: the whole current state of one dated shift, for the partner's own
    (read-only, not public) calendar of them; `cancelled` takes it out. `revision` grows with
    every change told: a message with a lower one than the calendar holds is stale."""

    shift_id = fields.Integer(required=True)
    revision = fields.Integer(required=True, validate=validate.Range(min=0))
    partner_id = fields.Integer(required=True)
    opportunity_id = fields.Integer(required=True)
    title = fields.String(required=True, validate=validate.Length(1, 200))
    place = fields.String(load_default="", validate=validate.Length(max=300))
    capacity = fields.Integer(required=True, validate=validate.Range(min=1))
    confirmed = fields.Integer(required=True, validate=validate.Range(min=0))
    waiting = fields.Integer(required=True, validate=validate.Range(min=0))
    cancelled = fields.Boolean(load_default=False)
    # the partner's roster page of the opportunity's shifts ("" from senders that have none)
    link = fields.String(load_default="", validate=[validate.Length(max=2000), _url_or_nothing])


# The services that hold data about an account besides identity: each answers an account's
# export and erase requests (services/accounts/privacy). An export part carries at most
# EXPORT_ROWS rows per section and PART_CHARS characters in all; the sender names the cut sections.
ACCOUNT_DATA_SERVICES = ("rooms", "notify", "calendar")
EXPORT_ROWS = 500
PART_CHARS = 2_000_000


class AccountRequestV1(Envelope):
    """accounts -> rooms, notify, calendar: `<service>.export_account` (gather what you hold
    about this account, answer with accounts.export_part) or `<service>.erase_account` (remove
    or anonymise it, answer with accounts.account_erased). Both are answered once per request."""

    request_id = fields.Integer(required=True)
    account_id = fields.Integer(required=True)
    # erase only: the person's former address and number, so that what other people were told
    # about them (an owner's notice naming the booker) can be found and emptied too
    traces = fields.List(
        fields.String(validate=validate.Length(5, 254)), load_default=list, validate=validate.Length(max=4)
    )


class ExportPartV1(Envelope):
    """service -> accounts: one service's part of an account's export: named sections, each a
    list of rows (plain JSON objects); `cut` names the sections that had more than EXPORT_ROWS."""

    request_id = fields.Integer(required=True)
    service = fields.String(required=True, validate=validate.OneOf(ACCOUNT_DATA_SERVICES))
    sections = fields.Dict(
        keys=fields.String(validate=validate.Length(1, 60)),
        values=fields.List(fields.Dict(), validate=validate.Length(max=EXPORT_ROWS)),
        required=True,
    )
    cut = fields.List(fields.String(validate=validate.Length(1, 60)), load_default=list)

    @validates_schema
    def _bounded(self, data: dict[str, Any], **_: object) -> None:
        if len(json.dumps(jsonable(data["sections"]))) > PART_CHARS:
            raise ValidationError(f"at most {PART_CHARS} characters", "sections")


class AccountErasedV1(Envelope):
    """service -> accounts: this service has erased what it held about the account; `counts`
    says how many rows of each kind it changed or deleted (for the office's record)."""

    request_id = fields.Integer(required=True)
    service = fields.String(required=True, validate=validate.OneOf(ACCOUNT_DATA_SERVICES))
    counts = fields.Dict(
        keys=fields.String(validate=validate.Length(1, 60)), values=fields.Integer(), load_default=dict
    )


class ReceiptV1(Envelope):
    """receiver -> sender: these messages of yours are recorded here; stop re-sending them."""

    message_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(1, 1000))


# (task name, version) -> schema. The task name says who receives it.
CONTRACTS: dict[tuple[str, int], type[Schema]] = {
    ("calendar.room_changed", 1): RoomChangedV1,
    ("calendar.booking_changed", 1): BookingChangedV1,
    ("calendar.offering_room_answer", 1): OfferingRoomAnswerV1,
    ("rooms.book_for_offering", 1): OfferingRoomV1,
    ("rooms.book_for_invitation", 1): RoomInvitationV1,
    ("calendar.room_invitation_answer", 1): RoomInvitationAnswerV1,
    ("notify.itip_reply", 1): ItipReplyV1,
    ("notify.itip_request", 1): ItipRequestV1,
    ("notify.booking_notice", 1): BookingNoticeV1,
    ("notify.account_mail", 1): AccountMailV1,
    ("notify.engagement_mail", 1): EngagementMailV1,
    ("calendar.engagement_shift", 1): EngagementShiftV1,
    **{
        (f"{service}.{verb}_account", 1): AccountRequestV1
        for service in ACCOUNT_DATA_SERVICES
        for verb in ("export", "erase")
    },
    ("accounts.export_part", 1): ExportPartV1,
    ("accounts.account_erased", 1): AccountErasedV1,
    **{(f"{queue}.outbox_receipt", 1): ReceiptV1 for queue in QUEUES},
}


class UnknownContract(ValueError):
    pass


def queue_of(task_name: str) -> str:
    queue = task_name.split(".", 1)[0]
    if queue not in QUEUES:
        raise UnknownContract(f"no service queue for task {task_name!r}")
    return queue


@functools.cache
def schema_for(task_name: str, version: int) -> Schema:
    """One instance per contract: marshmallow schemas keep no state between loads, and building
    one (with its nested schemas) costs more than the load itself."""
    try:
        return CONTRACTS[(task_name, version)]()
    except KeyError:
        raise UnknownContract(f"no contract for {task_name!r} version {version}") from None


def build(task_name: str, version: int = 1, **payload: Any) -> dict[str, Any]:
    """A message ready for the outbox: a fresh message_id, validated, as JSON-safe values."""
    payload = {"message_id": str(uuid.uuid4()), "version": version, **payload}
    schema = schema_for(task_name, version)
    message: dict[str, Any] = jsonable(schema.dump(schema.load(jsonable(payload))))
    return message


def load(task_name: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Receiver side: validate kwargs of an incoming task; raises ValidationError."""
    loaded: dict[str, Any] = schema_for(task_name, int(payload.get("version", 0))).load(payload)
    return loaded


def jsonable(value: object) -> Any:  # a JSON value: a dict stays a dict, a list a list
    """`value` with dates, times and UUIDs as strings, tuples as lists: what JSON can carry."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
