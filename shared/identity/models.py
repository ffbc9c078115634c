"""Partners and their accounts: the one source of truth for identity, in its own database
(IDENTITY_DATABASE_URL). Services read it through shared.identity.store; none of them owns it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.clock import utcnow
from shared.outbox import InboxMixin, OutboxMixin

ROLES = ("coordination", "staff")
DISTRICTS = ("Lobeda", "Winzerla", "Nord", "West", "Ost", "Zentrum")
LANGUAGES = ("de", "en")  # German first; English from shared/translations


class IdentityBase(DeclarativeBase):
    pass


class Partner(IdentityBase):
    __tablename__ = "partners"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(60))
    address: Mapped[str] = mapped_column(String(300), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    # a deactivated partner's accounts cannot log in (store.py); its name stays for history
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    logo_digest: Mapped[str] = mapped_column(String(64), default="", server_default="")  # PartnerLogo.digest
    accounts: Mapped[list[Account]] = relationship(back_populates="partner")


class Account(IdentityBase):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    language: Mapped[str] = mapped_column(String(5), default="de")
    role: Mapped[str] = mapped_column(String(20), default="staff")
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), nullable=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    partner: Mapped[Partner | None] = relationship(back_populates="accounts")
    app_passwords: Mapped[list[AppPassword]] = relationship(back_populates="account", cascade="all, delete-orphan")


class AppPassword(IdentityBase):
    """A per-device secret for HTTP Basic (CalDAV clients, API scripts); revocable one by one."""

    __tablename__ = "app_passwords"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100))
    secret_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    account: Mapped[Account] = relationship(back_populates="app_passwords")


class WebSession(IdentityBase):
    """One login in one browser. The cookie carries a random token, this row only its SHA-256:
    deleting the row ends the login wherever a copy of the cookie is (logout, a new password, a
    closed account). seen_at is written at most every few minutes (see store.SEEN_STEP)."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # the browser as it named itself at login (shown on the account page: "which one is this?")
    user_agent: Mapped[str] = mapped_column(String(300), default="", server_default="")


LINK_PURPOSES = ("invite", "reset")


class AccountLink(IdentityBase):
    """A single-use link sent by email: set the first password (invite) or a new one (reset).
    Like a session token, only the SHA-256 of the link's random part is kept."""

    __tablename__ = "account_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SecondFactor(IdentityBase):
    """An account's authenticator app (TOTP). `secret` is sealed with a key from the environment
    (services/accounts/sealing.py), never stored readable; `enabled_at` is empty while the person
    is still setting it up (the page shows the same QR code until a code confirms it).
    `last_step` is the latest 30-second step a code was accepted for: no code is taken twice."""

    __tablename__ = "second_factors"
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)


class RecoveryCode(IdentityBase):
    """A single-use code for a login without the phone; only its SHA-256 is kept."""

    __tablename__ = "recovery_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


# The account pages (services/accounts) change identity and send mail about it in one commit:
# their outbox and inbox live in this database, beside the rows they change.
class PartnerLogo(IdentityBase):
    """A partner's logo as shared/images.py made it (a re-encoded JPEG), kept once per content
    and served under its digest, so its address never needs to change for a browser's cache."""

    __tablename__ = "partner_logos"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(IdentityBase):
    """One change to identity, written in the transaction of the change (shared/identity/audit.py).
    Ids without foreign keys and names as they were: the log outlives what it names."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(40))
    account_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    partner_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    subject: Mapped[str] = mapped_column(String(200), default="")  # the account's or partner's name then
    changes: Mapped[str] = mapped_column(Text, default="{}")  # JSON {field: [old, new]}


class VocabularyTerm(IdentityBase):
    """One word of the shared vocabulary (shared/identity/vocabulary.py): `key` is what events
    and bookings store, so it is never changed; labels are. A retired term (active false) stays."""

    __tablename__ = "vocabulary_terms"
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    label_de: Mapped[str] = mapped_column(String(60))
    label_en: Mapped[str] = mapped_column(String(60), default="", server_default="")
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


class AccountsOutbox(OutboxMixin, IdentityBase):
    service = "accounts"


class AccountsInbox(InboxMixin, IdentityBase):
    pass


# An account's data export or erasure (DSGVO), beside the account: the request (who asked, when,
# for which account, which services still owe their part) and the parts that came back. The
# request row stays when an export's parts are deleted after 7 days: it is the record of who
# exported or erased whose data, and when (services/accounts/privacy).
DATA_REQUEST_KINDS = ("export", "erase")


class DataRequest(IdentityBase):
    __tablename__ = "data_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    asked_by: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the account that asked
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # the services whose part (export) or confirmation (erase) is still due, comma-separated
    waiting: Mapped[str] = mapped_column(String(100), default="")
    # an export finished without these parts: they did not come in time
    missing: Mapped[str] = mapped_column(String(100), default="")
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @property
    def waiting_for(self) -> list[str]:
        return [s for s in self.waiting.split(",") if s]


class DataPart(IdentityBase):
    """One service's part of an export (its sections as JSON), or its confirmation of an
    erasure (the counts of what it changed)."""

    __tablename__ = "data_parts"
    request_id: Mapped[int] = mapped_column(ForeignKey("data_requests.id", ondelete="CASCADE"), primary_key=True)
    service: Mapped[str] = mapped_column(String(20), primary_key=True)
    content: Mapped[str] = mapped_column(Text, default="{}")
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
