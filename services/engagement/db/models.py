"""Tables of the engagement service (its own database only).

A volunteer is one row per email address (no account): what they wrote on a form stays on the
application or sign-up it came with until they have confirmed the address, so a stranger typing
someone else's address changes nothing of theirs. Lists of vocabulary keys (topics, weekdays …)
are JSON: the search filters a few dozen published opportunities in Python (domain/search.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.clock import utcnow
from shared.outbox import InboxMixin, OutboxMixin


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMixin, Base):
    service = "engagement"


class ProcessedMessage(InboxMixin, Base):
    pass


class Opportunity(Base):
    __tablename__ = "opportunity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(10))  # domain.opportunity.KINDS
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    district: Mapped[str] = mapped_column(String(40))
    place: Mapped[str] = mapped_column(String(200), default="")  # where one helps: an address
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    with_whom: Mapped[list[str]] = mapped_column(JSON, default=list)
    weekdays: Mapped[list[int]] = mapped_column(JSON, default=list)
    times_of_day: Mapped[list[str]] = mapped_column(JSON, default=list)
    flexible: Mapped[bool] = mapped_column(Boolean, default=False)
    expected_minutes: Mapped[int] = mapped_column(Integer, default=120)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    certificate_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    state: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    review_note: Mapped[str] = mapped_column(Text, default="")  # the office's word when it sends a post back
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # when the matching interest forms were told of it (once, at its first publication)
    announced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    shifts: Mapped[list[Shift]] = relationship(back_populates="opportunity", order_by="Shift.starts_at")


class Shift(Base):
    __tablename__ = "shift"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    capacity: Mapped[int] = mapped_column(Integer)
    deadline_minutes: Mapped[int] = mapped_column(Integer, default=24 * 60)  # self-service ends this long before
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # the invitation's SEQUENCE, grows with changes
    # grows with every change the partner's calendar is told of (places too): the calendar keeps the newest
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    opportunity: Mapped[Opportunity] = relationship(back_populates="shifts")
    signups: Mapped[list[Signup]] = relationship(back_populates="shift", order_by="Signup.queued_at")


class Volunteer(Base):
    __tablename__ = "volunteer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower-cased
    name: Mapped[str] = mapped_column(String(100), default="")  # set from their first confirmed form
    phone: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(2), default="de")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_active_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    link_version: Mapped[int] = mapped_column(Integer, default=0)  # a new one voids every older link


class Application(Base):
    """'Ich möchte helfen' for a regular or open-ended opportunity (domain/application.py)."""

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default="unconfirmed", index=True)
    name: Mapped[str] = mapped_column(String(100))  # as written on this form
    phone: Mapped[str] = mapped_column(String(40), default="")
    availability: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2), default="de")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    answer: Mapped[str] = mapped_column(Text, default="")  # the partner's message with the decision
    # a first meeting the partner proposes when accepting: an invitation and a reminder go out
    meeting_starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    meeting_ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    meeting_place: Mapped[str] = mapped_column(String(200), default="")
    meeting_sequence: Mapped[int] = mapped_column(Integer, default=0)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    opportunity: Mapped[Opportunity] = relationship()
    volunteer: Mapped[Volunteer] = relationship()


class Signup(Base):
    """A volunteer on a shift: unconfirmed until they click the email's link (holding no place:
    a typo or a bot must not keep places), then confirmed or waiting (domain/shifts.py)."""

    __tablename__ = "signup"
    __table_args__ = (UniqueConstraint("shift_id", "volunteer_id", name="uq_signup_shift_volunteer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    # unconfirmed, confirmed, waiting, withdrawn, removed (by the partner), expired (never confirmed)
    state: Mapped[str] = mapped_column(String(12), default="unconfirmed", index=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(40), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2), default="de")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # the place in the queue: set when confirmed (first come first served among the confirmed)
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    shift: Mapped[Shift] = relationship(back_populates="signups")
    volunteer: Mapped[Volunteer] = relationship()


class Interest(Base):
    """'Tell me when something fits' (domain/interest.py), with the same double opt-in as an
    offer: unconfirmed, active, stopped (by the volunteer), expired (never confirmed)."""

    __tablename__ = "interest"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default="unconfirmed", index=True)
    name: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(2), default="de")
    districts: Mapped[list[str]] = mapped_column(JSON, default=list)
    weekdays: Mapped[list[int]] = mapped_column(JSON, default=list)
    times_of_day: Mapped[list[str]] = mapped_column(JSON, default=list)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    with_whom: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    volunteer: Mapped[Volunteer] = relationship()


class InterestNotice(Base):
    """An interest was told of an opportunity: never twice, whatever happens to either."""

    __tablename__ = "interest_notice"
    __table_args__ = (UniqueConstraint("interest_id", "opportunity_id", name="uq_interest_notice"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interest_id: Mapped[int] = mapped_column(ForeignKey("interest.id"), index=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HoursEntry(Base):
    """Time a volunteer gave to an opportunity on a day, as the partner records it (if it
    wants). No name: the rows survive a deletion as the figures' minutes."""

    __tablename__ = "hours_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CertificateRecord(Base):
    """The erweitertes Führungszeugnis: only 'seen on <day> by <name>' (domain/certificate.py),
    one per volunteer and partner (the newest sighting)."""

    __tablename__ = "certificate_record"
    __table_args__ = (UniqueConstraint("volunteer_id", "partner_id", name="uq_certificate_volunteer_partner"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    partner_id: Mapped[int] = mapped_column(Integer, index=True)
    seen_on: Mapped[date] = mapped_column(Date)
    seen_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Family(Base):
    """A family a partner matches with a volunteer in a Patenschaft: the partner's own contact
    record (no account), seen only by that partner and the office."""

    __tablename__ = "family"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(100))  # "Familie Yilmaz"
    contact: Mapped[str] = mapped_column(String(200), default="")  # phone or email, as the partner keeps it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Sponsorship(Base):
    """A Patenschaft (domain/sponsorship.py): a volunteer and a family through its stages."""

    __tablename__ = "sponsorship"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(Integer, index=True)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity.id"), nullable=True, index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(20), default="first_talk", index=True)
    stage_days: Mapped[list] = mapped_column(JSON, default=list)  # [[stage, "YYYY-MM-DD"], ...] after the first talk
    end_reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    coordinator_notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    volunteer: Mapped[Volunteer] = relationship()
    family: Mapped[Family] = relationship()
