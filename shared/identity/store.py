"""Identity operations: create partners, accounts and app passwords; check credentials.

Passwords and app passwords are stored as Argon2 hashes. Checking an Argon2 hash costs tens of
milliseconds by design; CalDAV clients send Basic credentials on every request, so a successful
check is remembered for a short while (keyed by a SHA-256 of the credentials, never the secret).
Each request with a remembered check still asks the database whether its app password is still
there and its account and partner active (one indexed lookup, no hash): a revoked password or a
closed account stops working at once in every process, not only in the one that closed it.

A name that does not exist (or has no password) is checked against a stand-in hash, so a failed
login costs the same Argon2 work either way and response time does not tell which names exist.

Web logins are rows in web_sessions (models.WebSession): the server ends them by deleting rows.
An account logs in only while it and its partner (if it has one) are active.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, and_, delete, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, joinedload, selectinload, sessionmaker

from shared.clock import utcnow
from shared.db import as_utc, transaction
from shared.identity import audit
from shared.identity.models import (
    DISTRICTS,
    LANGUAGES,
    ROLES,
    Account,
    AppPassword,
    Partner,
    SecondFactor,
    VocabularyTerm,
    WebSession,
)
from shared.identity.vocabulary import Term, Vocabulary
from shared.text import has_control_characters

_hasher = PasswordHasher()  # argon2-cffi's defaults (RFC 9106, low-memory profile)


_stand_in: tuple[PasswordHasher, str] | None = None  # a hash of nobody's password, per hasher


def use_hasher(hasher: PasswordHasher) -> None:
    """Swap the password hasher for this process. The test suite uses argon2's cheapest
    profile: it hashes thousands of passwords and protects nothing; verification reads the
    parameters from each stored hash, so hashes of either profile keep verifying."""
    global _hasher
    _hasher = hasher


CACHE_SECONDS = 60  # how long a verified secret skips Argon2 (it is still asked for every request)
LAST_USED_STEP = timedelta(hours=1)  # "last used" is shown to the hour; fewer writes on the login path
USER_AGENT_CHARS = 300  # the column's width; browsers send less
SEEN_STEP = timedelta(minutes=5)  # a session's last request is written at most this often (idle timeout)


class IdentityError(ValueError):
    """Bad input to an identity operation; the message is for a person."""


@dataclass(frozen=True)
class Principal:
    """The logged-in account as the services see it (plain values, no ORM object)."""

    account_id: int
    username: str
    display_name: str
    email: str
    phone: str
    language: str
    role: str
    partner_id: int | None
    partner_name: str
    district: str

    @property
    def is_coordination(self) -> bool:
        return self.role == "coordination"


class PartnerInfo(TypedDict):
    id: int
    slug: str
    name: str
    district: str
    address: str
    contact_email: str
    contact_phone: str
    active: bool  # a deactivated partner keeps its name (history) but is offered in no new choice
    logo: str  # the digest of its logo (/account/logos/<digest>.jpg), "" for none


class WebSessionInfo(TypedDict):
    """One running web login as its owner sees it: never the token."""

    id: int
    user_agent: str
    created_at: datetime
    seen_at: datetime
    current: bool


class AppPasswordInfo(TypedDict):
    """One app password as its owner sees it: never the secret (only its hash is kept)."""

    id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None


@dataclass
class _Remembered:
    """A verified app password: no Argon2 until `verified_until` (time.monotonic() seconds)."""

    verified_until: float
    password_id: int
    principal: Principal


class AccountClosed(IdentityError):
    """The password was right, but the account (or its partner, `by_partner`) is deactivated: the
    login page says so, to the one person who knows the password."""

    def __init__(self, by_partner: bool):
        super().__init__("partner" if by_partner else "account")
        self.by_partner = by_partner


def usable() -> ColumnElement[bool]:
    """An account that may log in: active, and its partner too (needs Partner outer-joined)."""
    return and_(Account.active, or_(Account.partner_id.is_(None), Partner.active))


def _principal(account: Account) -> Principal:
    partner = account.partner
    return Principal(
        account_id=account.id,
        username=account.username,
        display_name=account.display_name,
        email=account.email,
        phone=account.phone,
        language=account.language,
        role=account.role,
        partner_id=account.partner_id,
        partner_name=partner.name if partner else "",
        district=partner.district if partner else "",
    )


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def _matches(hash_: str, secret: str) -> bool:
    if not hash_:
        return False
    try:
        return _hasher.verify(hash_, secret)
    except (VerificationError, InvalidHashError):
        return False


def _stand_in_hash() -> str:
    """Made with the current hasher, so checking against it costs what a real check costs."""
    global _stand_in
    if _stand_in is None or _stand_in[0] is not _hasher:
        _stand_in = (_hasher, _hasher.hash(secrets.token_urlsafe(16)))
    return _stand_in[1]


def digest(token: str) -> str:
    """Session and link tokens are 256 random bits: a fast hash suffices to keep them out of the table."""
    return hashlib.sha256(token.encode()).hexdigest()


def add_account(
    s: Session,
    username: str,
    display_name: str,
    *,
    partner_id: int | None,
    role: str = "staff",
    email: str = "",
    phone: str = "",
    language: str = "de",
    password_hash: str = "",
) -> Account:
    """A new account in the caller's transaction (the shell, and an invitation with its mail)."""
    if role not in ROLES:
        raise IdentityError(f"Unbekannte Rolle {role!r}; erlaubt: {', '.join(ROLES)}")
    if role == "staff" and partner_id is None:
        raise IdentityError("Partner-Mitarbeitende brauchen einen Partner")
    if s.scalar(select(Account).where(Account.username == username)):
        raise IdentityError(f"Konto {username!r} gibt es schon")
    account = Account(
        username=username,
        display_name=display_name,
        email=email,
        phone=phone,
        role=role,
        partner_id=partner_id,
        language=language,
        password_hash=password_hash,
    )
    s.add(account)
    s.flush()
    return account


def close_account(s: Session, account: Account, active: bool) -> None:
    """Close an account or open it again, in the caller's transaction. A closed account's web
    sessions end for good (opening it again revives none); its app passwords stop at once, since
    every Basic check asks whether its account is still active."""
    account.active = active
    if not active:
        end_web_sessions(s, account.id)


def replace_password(s: Session, account: Account, password: str) -> None:
    """A new web password in the caller's transaction; every web session of the account ends
    (whoever knew the old one). App passwords stay: they are per device, revoked one by one."""
    account.password_hash = hash_secret(password)
    end_web_sessions(s, account.id)


def end_web_sessions(s: Session, account_id: int) -> None:
    """Every web login of the account ends, in the caller's transaction (a copy of its cookie
    is worthless afterwards)."""
    s.execute(delete(WebSession).where(WebSession.account_id == account_id))


def new_app_secret() -> str:
    """24 URL-safe characters, never starting with "-": people paste app passwords into command
    lines (curl, litmus, vdirsyncer's prompt), where a leading hyphen reads as an option."""
    while (secret := secrets.token_urlsafe(18)).startswith("-"):
        pass
    return secret


PARTNER_FIELDS = ("slug", "name", "district", "address", "contact_email", "contact_phone")


class IdentityStore:
    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        session_idle: timedelta = timedelta(hours=2),
        session_max: timedelta = timedelta(hours=12),
    ):
        self._factory = factory
        self.session_idle, self.session_max = session_idle, session_max
        self._cache: dict[str, _Remembered] = {}  # key (see _key) -> what its check found
        self._lock = threading.Lock()

    # --- writing -------------------------------------------------------------------------
    # `actor`, where given, writes the change's audit entry in its transaction (the command line
    # passes audit.COMMAND_LINE; seeds and benchmarks pass none and leave the log empty).
    def create_partner(
        self,
        slug: str,
        name: str,
        district: str,
        address: str = "",
        contact_email: str = "",
        contact_phone: str = "",
        *,
        actor: audit.Actor | None = None,
    ) -> int:
        if district not in DISTRICTS:
            raise IdentityError(f"Unbekannter Stadtteil {district!r}; erlaubt: {', '.join(DISTRICTS)}")
        with transaction(self._factory) as s:
            if s.scalar(select(Partner).where(Partner.slug == slug)):
                raise IdentityError(f"Partner {slug!r} gibt es schon")
            partner = Partner(
                slug=slug,
                name=name,
                district=district,
                address=address,
                contact_email=contact_email,
                contact_phone=contact_phone,
            )
            s.add(partner)
            s.flush()
            if actor is not None:
                values = {k: getattr(partner, k) for k in PARTNER_FIELDS}
                audit.record(s, actor, audit.PARTNER_CREATED, partner=partner, changes=audit.changed({}, values))
            return partner.id

    def create_account(
        self,
        username: str,
        display_name: str,
        *,
        partner_slug: str | None,
        role: str = "staff",
        email: str = "",
        phone: str = "",
        password: str | None = None,
        language: str = "de",
        actor: audit.Actor | None = None,
    ) -> int:
        with transaction(self._factory) as s:
            partner_id, partner = None, None
            if partner_slug:
                partner = s.scalar(select(Partner).where(Partner.slug == partner_slug))
                if partner is None:
                    raise IdentityError(f"Unbekannter Partner {partner_slug!r}")
                partner_id = partner.id
            account = add_account(
                s,
                username,
                display_name,
                partner_id=partner_id,
                role=role,
                email=email,
                phone=phone,
                language=language,
                password_hash=hash_secret(password) if password else "",
            )
            if actor is not None:  # role and partner, as an invitation records them; never the password
                s.flush()
                changes = {"role": [None, role], "partner": [None, partner.name if partner else ""]}
                audit.record(s, actor, audit.ACCOUNT_CREATED, account=account, changes=changes)
            return account.id

    def set_password(self, username: str, password: str, *, actor: audit.Actor | None = None) -> None:
        """A new web password; every web session of the account ends (whoever knew the old one)."""
        with transaction(self._factory) as s:
            account = self._account(s, username)
            replace_password(s, account, password)
            if actor is not None:
                audit.record(s, actor, audit.PASSWORD_SET, account=account)
        self._forget(username)

    def set_active(self, username: str, active: bool, *, actor: audit.Actor | None = None) -> None:
        """Close an account (someone left) or open it again (close_account)."""
        with transaction(self._factory) as s:
            account = self._account(s, username)
            was = account.active
            close_account(s, account, active)
            if actor is not None and was != active:  # as the page: a repeat changes nothing
                action = audit.ACCOUNT_REACTIVATED if active else audit.ACCOUNT_DEACTIVATED
                audit.record(s, actor, action, account=account, changes={"active": [was, active]})
        self._forget(username)

    # --- web sessions ------------------------------------------------------------------------
    def start_session(self, account_id: int, user_agent: str = "") -> str:
        """A new web login; returns the token for the cookie (only its hash is stored). Sessions
        that have run out, anyone's, are deleted on the way: logins are rare, the table stays small."""
        token, now = secrets.token_urlsafe(32), utcnow()
        agent = user_agent[:USER_AGENT_CHARS]
        with transaction(self._factory) as s:
            s.execute(
                delete(WebSession).where(
                    or_(WebSession.seen_at < now - self.session_idle, WebSession.created_at < now - self.session_max)
                )
            )
            s.add(
                WebSession(
                    token_hash=digest(token), account_id=account_id, created_at=now, seen_at=now, user_agent=agent
                )
            )
            account = s.get(Account, account_id)
            if account is not None:  # shown to the office ("zuletzt angemeldet")
                account.last_login_at = now
        return token

    def web_sessions(self, account_id: int, current_token: str | None = None) -> list[WebSessionInfo]:
        """The account's running web logins, the latest active first; `current` marks the one
        holding `current_token` (the page's own)."""
        now, mine = utcnow(), digest(current_token) if current_token else ""
        with self._factory() as s:
            rows = s.scalars(
                select(WebSession).where(WebSession.account_id == account_id).order_by(WebSession.seen_at.desc())
            )
            return [
                WebSessionInfo(
                    id=r.id,
                    user_agent=r.user_agent,
                    created_at=as_utc(r.created_at),
                    seen_at=as_utc(r.seen_at),
                    current=r.token_hash == mine,
                )
                for r in rows
                if not self._ran_out(r, now)
            ]

    def end_web_session(self, account_id: int, session_id: int) -> bool:
        """End one of the account's own logins; False if it has none with that id."""
        with transaction(self._factory) as s:
            ended = s.execute(
                delete(WebSession).where(WebSession.id == session_id, WebSession.account_id == account_id)
            )
            return bool(getattr(ended, "rowcount", 0))

    def session_principal(self, token: str) -> Principal | None:
        """Who holds this session token, if the session still runs: one indexed lookup; a write
        at most every SEEN_STEP for the idle timeout."""
        now = utcnow()
        with transaction(self._factory) as s:
            row = s.execute(
                select(WebSession, Account)
                .join(Account)
                .outerjoin(Partner, Account.partner)
                .options(joinedload(Account.partner))
                .where(WebSession.token_hash == digest(token), usable())
            ).first()
            if row is None:
                return None
            web, account = row
            if self._ran_out(web, now):
                s.delete(web)
                return None
            if as_utc(web.seen_at) < now - SEEN_STEP:
                web.seen_at = now
            return _principal(account)

    def _ran_out(self, web: WebSession, now: datetime) -> bool:
        return as_utc(web.seen_at) < now - self.session_idle or as_utc(web.created_at) < now - self.session_max

    def end_session(self, token: str) -> None:
        with transaction(self._factory) as s:
            s.execute(delete(WebSession).where(WebSession.token_hash == digest(token)))

    def end_sessions(self, account_id: int) -> None:
        """Log out everywhere: every web session of the account."""
        with transaction(self._factory) as s:
            end_web_sessions(s, account_id)

    def set_language(self, account_id: int, language: str) -> None:
        """The language the account's pages (and, by default, its messages) are in."""
        if language not in LANGUAGES:
            raise IdentityError(f"Unbekannte Sprache {language!r}; erlaubt: {', '.join(LANGUAGES)}")
        with transaction(self._factory) as s:
            account = s.get(Account, account_id)
            if account is None:
                raise IdentityError(f"Unbekanntes Konto {account_id}")
            account.language = language
            username = account.username
        self._forget(username)

    def create_app_password(
        self, username: str, label: str, secret: str | None = None, *, actor: audit.Actor | None = None
    ) -> str:
        """Returns the new secret; it is shown once and stored only as a hash (and never logged)."""
        if has_control_characters(label):  # every way in (page, CLI) ends here
            raise IdentityError("Die Bezeichnung darf keine Steuerzeichen enthalten.")
        secret = secret or new_app_secret()
        with transaction(self._factory) as s:
            account = self._account(s, username)
            s.add(AppPassword(account_id=account.id, label=label, secret_hash=hash_secret(secret)))
            if actor is not None:
                audit.record(s, actor, audit.APP_PASSWORD_CREATED, account=account, changes={"label": [None, label]})
        return secret

    def revoke_app_password(self, account_id: int, password_id: int) -> bool:
        """Delete one of the account's own app passwords; False if it has none with that id."""
        with transaction(self._factory) as s:
            row = s.scalar(
                select(AppPassword).where(AppPassword.id == password_id, AppPassword.account_id == account_id)
            )
            if row is None:
                return False
            username = row.account.username
            s.delete(row)
        self._forget(username)
        return True

    def app_passwords(self, account_id: int) -> list[AppPasswordInfo]:
        """The account's app passwords, newest first (never the secrets: only hashes are kept)."""
        with self._factory() as s:
            rows = s.scalars(
                select(AppPassword).where(AppPassword.account_id == account_id).order_by(AppPassword.id.desc())
            )
            return [
                AppPasswordInfo(id=r.id, label=r.label, created_at=r.created_at, last_used_at=r.last_used_at)
                for r in rows
            ]

    # --- reading -------------------------------------------------------------------------
    def check_password(self, username: str, password: str) -> Principal | None:
        """Web login: the account password. Raises AccountClosed when it is right but the
        account or its partner is deactivated."""
        with self._factory() as s:
            account = s.scalar(select(Account).options(joinedload(Account.partner)).where(Account.username == username))
            if account is None or not account.password_hash:
                _matches(_stand_in_hash(), password)  # the same work as for a real name
                return None
            if not _matches(account.password_hash, password):
                return None
            if not account.active or (account.partner is not None and not account.partner.active):
                raise AccountClosed(by_partner=account.active)
            return _principal(account)

    def check_app_password(self, username: str, secret: str) -> Principal | None:
        """HTTP Basic (CalDAV, API): any of the account's app passwords."""
        return self.remembered_app_password(username, secret) or self.verify_app_password(username, secret)

    def remembered_app_password(self, username: str, secret: str) -> Principal | None:
        """The account, when these credentials were verified lately and their app password is
        still there and its account usable (no hash); None when they need verify_app_password."""
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(self._key(username, secret))
        if hit is None or hit.verified_until <= now:
            return None
        if self._still_there(hit.password_id):
            return hit.principal
        self._forget(username)
        return None

    def verify_app_password(self, username: str, secret: str) -> Principal | None:
        """The full check against the stored hashes (tens of milliseconds each, by design)."""
        now = time.monotonic()
        with transaction(self._factory) as s:
            account = s.scalar(
                select(Account)
                .outerjoin(Partner, Account.partner)
                .options(joinedload(Account.partner), selectinload(Account.app_passwords))
                .where(Account.username == username, usable())
            )
            candidates = account.app_passwords if account is not None else []
            used = next((p for p in candidates if _matches(p.secret_hash, secret)), None)
            if not candidates:
                _matches(_stand_in_hash(), secret)  # the same work as for a real name
            if used is None or account is None:  # (a matching password has an account)
                return None
            principal = _principal(account)
            if used.last_used_at is None or as_utc(used.last_used_at) < utcnow() - LAST_USED_STEP:
                used.last_used_at = utcnow()  # at most one write an hour per app password
        with self._lock:
            self._cache[self._key(username, secret)] = _Remembered(now + CACHE_SECONDS, used.id, principal)
        return principal

    @staticmethod
    def _key(username: str, secret: str) -> str:
        return hashlib.sha256(f"{username}\0{secret}".encode()).hexdigest()

    def _still_there(self, password_id: int) -> bool:
        """The app password exists and its account is usable: one indexed lookup."""
        with self._factory() as s:
            found = s.scalar(
                select(AppPassword.id)
                .join(Account)
                .outerjoin(Partner, Account.partner)
                .where(AppPassword.id == password_id, usable())
            )
            return found is not None

    def has_second_factor(self, account_id: int) -> bool:
        """The account logs in with a code from its authenticator app after its password."""
        with self._factory() as s:
            return (
                s.scalar(
                    select(SecondFactor.account_id).where(
                        SecondFactor.account_id == account_id, SecondFactor.enabled_at.is_not(None)
                    )
                )
                is not None
            )

    def principal(self, account_id: int) -> Principal | None:
        with self._factory() as s:
            account = s.get(Account, account_id)
            return _principal(account) if account and account.active else None

    def principal_by_username(self, username: str) -> Principal | None:
        with self._factory() as s:
            account = s.scalar(select(Account).where(Account.username == username))
            return _principal(account) if account else None

    def principals_by_email(self, email: str) -> list[Principal]:
        """Usable accounts (active, of an active partner) with this email address, compared
        without regard to case: who a mail "from" this address can be (rooms' mail-in)."""
        wanted = email.strip().lower()
        if not wanted:
            return []
        with self._factory() as s:
            accounts = s.scalars(
                select(Account)
                .outerjoin(Partner, Account.partner)
                .options(joinedload(Account.partner))
                .where(func.lower(Account.email) == wanted, usable())
                .order_by(Account.id)
            )
            return [_principal(a) for a in accounts]

    def staff_of(self, partner_id: int) -> list[Principal]:
        """Active accounts of a partner: who is told about requests for its rooms."""
        with self._factory() as s:
            accounts = s.scalars(
                select(Account).where(Account.partner_id == partner_id, Account.active).order_by(Account.id)
            )
            return [_principal(a) for a in accounts]

    def partners(self) -> list[PartnerInfo]:
        with self._factory() as s:
            return [
                PartnerInfo(
                    id=p.id,
                    slug=p.slug,
                    name=p.name,
                    district=p.district,
                    address=p.address,
                    contact_email=p.contact_email,
                    contact_phone=p.contact_phone,
                    active=p.active,
                    logo=p.logo_digest,
                )
                for p in s.scalars(select(Partner).order_by(Partner.name))
            ]

    def vocabulary(self) -> Vocabulary:
        """Every term of the shared vocabulary, retired ones too (what is stored keeps them)."""
        with self._factory() as s:
            rows = s.scalars(select(VocabularyTerm).order_by(VocabularyTerm.kind, VocabularyTerm.position))
            return Vocabulary(tuple(Term(r.kind, r.key, r.label_de, r.label_en, r.position, r.active) for r in rows))

    def partner(self, partner_id: int) -> PartnerInfo | None:
        return next((p for p in self.partners() if p["id"] == partner_id), None)

    def partner_by_slug(self, slug: str) -> PartnerInfo | None:
        return next((p for p in self.partners() if p["slug"] == slug), None)

    def has_accounts(self) -> bool:
        with self._factory() as s:
            return s.scalar(select(Account.id).limit(1)) is not None

    @property
    def engine(self) -> Engine:
        bind: Engine = self._factory.kw["bind"]  # the engine the store was made with
        return bind

    @staticmethod
    def _account(s: Session, username: str) -> Account:
        account = s.scalar(select(Account).where(Account.username == username))
        if account is None:
            raise IdentityError(f"Unbekanntes Konto {username!r}")
        return account

    def _forget(self, username: str) -> None:
        with self._lock:
            self._cache = {k: v for k, v in self._cache.items() if v.principal.username != username}
