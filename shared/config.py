"""Settings from environment variables, with defaults that make `make run` work on a bare machine.

Every service reads the same Settings object (what all of them need; each uses only its own
database URL); a service with settings of its own keeps them in a dataclass of the same kind
(services/notify/settings.py). Each field names its variable and documents it in its metadata:
`from_env` reads them, `to_env` writes them for a child process, and the table of variables in
README.md is generated from them (`treffpunkt config-table`).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from shared import redis_url

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-secret-change-me"
# Outside demo mode SECRET_KEY signs sessions, CSRF tokens and the links in emails: a value anyone
# can read in this repository (the built-in one, the placeholders people copy) or one short enough
# to guess lets them forge all of these.
PUBLIC_SECRETS = frozenset({DEV_SECRET, "CHANGE-ME-openssl-rand-hex-32", "CHANGE-ME-see-the-line-above"})
PLACEHOLDER_WORDS = ("change-me", "changeme", "change_me")
MIN_SECRET_BYTES = 32
MAKE_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
LOG_FORMATS = ("text", "json")
MAILIN_PROTOCOLS = ("lmtp", "smtp")


def _var_dir() -> Path:
    return Path(os.environ.get("TREFFPUNKT_VAR", ROOT / "var"))


def _sqlite(name: str) -> str:
    return f"sqlite:///{_var_dir() / (name + '.db')}"


def _env(environ: Mapping[str, str], name: str, default: Any) -> Any:
    value = environ.get(name)
    if value is None or value == "":
        return default() if callable(default) else default
    if isinstance(default, bool):
        return value.lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value


T = TypeVar("T")


def variable(env: str, meaning: str) -> dict[str, str]:
    """A settings field's metadata: the environment variable it is read from, and what it means
    (the README's table of variables)."""
    return {"env": env, "help": meaning}


def from_env(cls: type[T], environ: Mapping[str, str] = os.environ, **overrides: Any) -> T:
    """An instance of the settings dataclass `cls` from the variables its fields name."""
    values = {}
    for f in fields(cls):  # type: ignore[arg-type]
        default = f.default if f.default is not MISSING else f.default_factory
        values[f.name] = _env(environ, f.metadata["env"], default)
    values.update(overrides)
    return cls(**values)


def to_env(settings: object) -> dict[str, str]:
    """The variables that make `from_env` in a child process give back `settings`."""
    env = {}
    for f in fields(settings):  # type: ignore[arg-type]
        value = getattr(settings, f.name)
        env[f.metadata["env"]] = ("1" if value else "0") if isinstance(value, bool) else str(value)
    return env


@dataclass
class Settings:
    """One field per variable; `help` in the metadata documents it."""

    secret_key: str = field(
        default=DEV_SECRET,
        metadata=variable(
            "SECRET_KEY",
            "Signs sessions, CSRF tokens and the links in emails; the same for all three services. Outside demo mode at least 32 random bytes, never a placeholder: `python -c 'import secrets; print(secrets.token_urlsafe(48))'`.",
        ),
    )
    identity_database_url: str = field(
        default_factory=lambda: _sqlite("identity"),
        metadata=variable(
            "IDENTITY_DATABASE_URL", "Partners, accounts and app passwords (the one source of truth for identity)."
        ),
    )
    calendar_database_url: str = field(
        default_factory=lambda: _sqlite("calendar"),
        metadata=variable("CALENDAR_DATABASE_URL", "Calendar service: calendars, events, sync tokens."),
    )
    rooms_database_url: str = field(
        default_factory=lambda: _sqlite("rooms"),
        metadata=variable("ROOMS_DATABASE_URL", "Rooms service: rooms, bookings, occurrences."),
    )
    notify_database_url: str = field(
        default_factory=lambda: _sqlite("notify"),
        metadata=variable("NOTIFY_DATABASE_URL", "Notify service: deliveries, captured messages."),
    )
    engagement_database_url: str = field(
        default_factory=lambda: _sqlite("engagement"),
        metadata=variable(
            "ENGAGEMENT_DATABASE_URL", "Engagement service: opportunities, shifts, volunteers, applications."
        ),
    )
    broker_url: str = field(
        default="",
        metadata=variable(
            "REDIS_URL",
            "Celery broker, login throttle and sending rates: one Redis server (`redis://[:password@]host:6379/0`) or, for automatic failover, a Redis Sentinel group: `redis+sentinel://[:password@]host1:26379,host2:26379,host3:26379/<master name>[/<db>]` (the password is the Redis servers'; sentinels with a password of their own: `?sentinel_password=…`). Empty: a file-based broker under var/broker (make run only).",
        ),
    )
    celery_broker_url: str = field(
        default="",
        metadata=variable(
            "CELERY_BROKER_URL",
            "Celery's broker where it is not the Redis of REDIS_URL, e.g. RabbitMQ (`amqp://user:password@host:5672/vhost`). REDIS_URL is still needed: the login throttle and the sending rate live there. Empty: REDIS_URL.",
        ),
    )
    public_url: str = field(
        default="http://127.0.0.1:8080",
        metadata=variable("PUBLIC_URL", "Address users reach the front door at; used in links in emails and feeds."),
    )
    timezone: str = field(default="Europe/Berlin", metadata=variable("TIMEZONE", "Local time zone shown to users."))
    broker_visibility_timeout: int = field(
        default=3600,
        metadata=variable(
            "BROKER_VISIBILITY_TIMEOUT",
            "Seconds before Redis hands a message that a dead worker took to another worker; longer than any task or retry delay.",
        ),
    )
    outbox_relay_seconds: float = field(
        default=2.0,
        metadata=variable("OUTBOX_RELAY_SECONDS", "How often the beat sweeps outboxes for messages not yet published."),
    )
    sources_key: str = field(
        default="",
        metadata=variable(
            "SOURCES_KEY",
            "Seals the app passwords of partners' CalDAV sources (calendars kept elsewhere that the calendar pulls in): one or more Fernet keys, comma-separated, the first seals and all open (to change keys, put the new one first). Empty: a key derived from SECRET_KEY, so a new SECRET_KEY makes the stored passwords unreadable (the sources then fail until a partner enters the password again). Make one with `python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`.",
        ),
    )
    sources_allow_private: bool = field(
        default=False,
        metadata=variable(
            "SOURCES_ALLOW_PRIVATE",
            "Let calendar sources (ICS, CalDAV) be fetched from loopback, private, link-local and other non-public addresses. Off in production (a partner must not make the server read the internal network); the tests and `make run` (its demo source) switch it on.",
        ),
    )
    room_mail_domain: str = field(
        default="treffpunkt-jena.de",
        metadata=variable(
            "ROOM_MAIL_DOMAIN",
            "Domain of the rooms' calendar addresses (`mailto:raum-<id>@<domain>`, their CalDAV principals' calendar-user-address-set); usually the domain of MAIL_FROM.",
        ),
    )
    mailin_host: str = field(
        default="127.0.0.1",
        metadata=variable(
            "MAILIN_HOST",
            "Where `treffpunkt mailin` listens for invitations to rooms by email (iMIP): the address the network's mail server delivers the rooms' addresses to (`0.0.0.0` in a container).",
        ),
    )
    mailin_port: int = field(
        default=2525,
        metadata=variable("MAILIN_PORT", "The port `treffpunkt mailin` listens on (LMTP or SMTP)."),
    )
    mailin_protocol: str = field(
        default="lmtp",
        metadata=variable(
            "MAILIN_PROTOCOL",
            "`lmtp` behind the network's mail server (Postfix: `transport_maps` with `lmtp:inet:<host>:<port>` for ROOM_MAIL_DOMAIN), or `smtp` (make run, tests, a relay that only speaks SMTP).",
        ),
    )
    mailin_trusted_relays: str = field(
        default="127.0.0.1/8,::1",
        metadata=variable(
            "MAILIN_TRUSTED_RELAYS",
            "Addresses or networks (CIDR, comma-separated) of the network's own mail relay: mail it hands over is taken without a DKIM signature. Everything else must carry a valid DKIM signature of the sender's domain. Empty: every mail needs one (right when the relay also passes on mail from the internet).",
        ),
    )
    mailin_max_bytes: int = field(
        default=1_000_000,
        metadata=variable(
            "MAILIN_MAX_BYTES",
            "Largest invitation email `treffpunkt mailin` accepts, in bytes; larger ones are refused.",
        ),
    )
    outbox_redeliver_seconds: float = field(
        default=600.0,
        metadata=variable(
            "OUTBOX_REDELIVER_SECONDS",
            "A published message without the receiver's receipt after this long is published again (then after twice as long, …); the receiver's inbox absorbs copies.",
        ),
    )
    health_outbox_max_age_seconds: float = field(
        default=900.0,
        metadata=variable(
            "HEALTH_OUTBOX_MAX_AGE_SECONDS",
            "`/<service>/healthz` answers 503 when this service's oldest outbox message without the receiver's receipt is older than this (0: not checked). Receipts normally come within seconds; keep it above OUTBOX_REDELIVER_SECONDS, so a lost message has been sent again once before the alarm.",
        ),
    )
    metrics_token: str = field(
        default="",
        metadata=variable(
            "METRICS_TOKEN",
            "`/<service>/metrics` (Prometheus) answers requests from the internal network (those that did not come through the proxy) and those with `Authorization: Bearer <this>`; empty: only the former.",
        ),
    )
    db_pool_size: int = field(
        default=5,
        metadata=variable(
            "DB_POOL_SIZE",
            "Database connections each process keeps open per database (under load up to 10 more, closed again after); a PostgreSQL server allows 100 in all by default: processes × databases × this must stay well below.",
        ),
    )
    session_idle_minutes: int = field(
        default=120,
        metadata=variable(
            "SESSION_IDLE_MINUTES",
            "A web login ends after this long without a request (shared computers in the meeting points: nobody finds it open after lunch).",
        ),
    )
    session_max_hours: int = field(
        default=12,
        metadata=variable(
            "SESSION_MAX_HOURS",
            "A web login ends this long after it began, however busy (one working day: it never carries over to the next).",
        ),
    )
    trusted_proxies: int = field(
        default=0,
        metadata=variable(
            "TRUSTED_PROXIES",
            "How many reverse proxies stand in front of the services; their X-Forwarded-For/-Proto are believed (0 for make run, 1 behind Caddy in compose). The client address counts failed logins.",
        ),
    )
    require_totp_for_coordination: bool = field(
        default=False,
        metadata=variable(
            "REQUIRE_TOTP_FOR_COORDINATION",
            "Accounts of the coordination office must log in with a second factor (an authenticator app): one without it is led, after its password, to set it up before anything else. App passwords (CalDAV, API) are not affected.",
        ),
    )
    delivery_log_days: int = field(
        default=90,
        metadata=variable(
            "DELIVERY_LOG_RETENTION_DAYS",
            "After this many days the delivery log at /notify/ forgets who a message went to and what it said (addresses, numbers, texts); the row stays, so counts stay true. Stated in the privacy statement.",
        ),
    )
    # The Engagementbörse's periods for volunteers' data: here, not in its own settings, because
    # the privacy statement under every prefix names them
    engagement_confirm_days: int = field(
        default=7,
        metadata=variable(
            "ENGAGEMENT_CONFIRM_DAYS",
            "How long the link that confirms an offer of help works; unconfirmed offers lapse after it and are deleted a month later. Stated in the privacy statement.",
        ),
    )
    engagement_keep_months: int = field(
        default=24,
        metadata=variable(
            "ENGAGEMENT_KEEP_MONTHS",
            "Volunteers' data is deleted this many months after their last shift or accepted help ended (while anything is still open it is kept). Stated in the privacy statement.",
        ),
    )
    engagement_keep_closed_months: int = field(
        default=6,
        metadata=variable(
            "ENGAGEMENT_KEEP_CLOSED_MONTHS",
            "… and this many months after an offer was declined or withdrawn, when nothing else followed. Stated in the privacy statement.",
        ),
    )
    # The operator's details for the Impressum and the Datenschutzerklärung (shared/web/legal.py),
    # shown as written; the defaults are examples for make run.
    operator_name: str = field(
        default="Koordinierungsstelle Treffpunkt Generationen Jena",
        metadata=variable(
            "OPERATOR_NAME",
            "Who runs this Treffpunkt (Impressum, privacy statement): a person or an organisation's full name.",
        ),
    )
    operator_address: str = field(
        default="Beispielstraße 1, 07743 Jena",
        metadata=variable("OPERATOR_ADDRESS", "The operator's postal address (a street address, no PO box)."),
    )
    operator_email: str = field(
        default="kontakt@treffpunkt-jena.de", metadata=variable("OPERATOR_EMAIL", "The operator's email address.")
    )
    operator_phone: str = field(
        default="03641 000000", metadata=variable("OPERATOR_PHONE", "The operator's telephone number.")
    )
    operator_represented_by: str = field(
        default="",
        metadata=variable(
            "OPERATOR_REPRESENTED_BY",
            "For an association or company: who represents it (e.g. the board); empty: not shown.",
        ),
    )
    operator_register: str = field(
        default="",
        metadata=variable(
            "OPERATOR_REGISTER", "Register entry, e.g. `Vereinsregister Amtsgericht Jena, VR 123456`; empty: not shown."
        ),
    )
    operator_responsible: str = field(
        default="Leitung der Koordinierungsstelle, Anschrift wie oben",
        metadata=variable(
            "OPERATOR_RESPONSIBLE",
            "Person responsible for the content under § 18 Abs. 2 MStV (V.i.S.d.P.): name and address.",
        ),
    )
    privacy_contact: str = field(
        default="datenschutz@treffpunkt-jena.de",
        metadata=variable(
            "PRIVACY_CONTACT",
            "Whom to ask about personal data: the data protection officer, or the operator's contact for it (name, email).",
        ),
    )
    privacy_authority: str = field(
        default="Thüringer Landesbeauftragter für den Datenschutz und die Informationsfreiheit (TLfDI), Häßlerstraße 8, 99096 Erfurt, www.tlfdi.de",
        metadata=variable("PRIVACY_AUTHORITY", "The data protection supervisory authority people may complain to."),
    )
    operator_hosting: str = field(
        default="Treffpunkt läuft auf Servern des Betreibers. E-Mails verschickt der Mailserver des Betreibers; SMS werden nur über einen SMS-Anbieter verschickt, mit dem ein Vertrag zur Auftragsverarbeitung besteht.",
        metadata=variable(
            "OPERATOR_HOSTING",
            "Privacy statement: who hosts the servers and who delivers email and SMS (processors under Art. 28 DSGVO), in plain German.",
        ),
    )
    server_log_days: int = field(
        default=14,
        metadata=variable(
            "SERVER_LOG_DAYS",
            "Privacy statement: how many days the logs of the proxy and the services (address, time, page) are kept. A promise: rotate the logs to match.",
        ),
    )
    backup_dir: str = field(
        default="",
        metadata=variable(
            "BACKUP_DIR",
            "Where `treffpunkt backup` writes its dated archives (all five databases). Empty: var/backups. Best on another disk or machine.",
        ),
    )
    backup_keep: int = field(
        default=14,
        metadata=variable(
            "BACKUP_KEEP",
            "How many archives `treffpunkt backup` keeps in BACKUP_DIR, the newest; older ones are removed (0: all are kept). Nightly: two weeks.",
        ),
    )
    log_format: str = field(
        default="text",
        metadata=variable(
            "LOG_FORMAT",
            "`text` for people reading a terminal, `json` for a log collector: every line of every process (web apps, gunicorn, workers, beat) one JSON object with time, level, logger, message, service and the request id that ties a request to the tasks its messages cause (the front door's X-Request-Id). Either way without personal data.",
        ),
    )
    fediverse_allow_private: bool = field(
        default=False,
        metadata=variable(
            "FEDIVERSE_ALLOW_PRIVATE",
            "ActivityPub: allow requests to loopback and private addresses (fetching actors, delivering activities). Only for tests and closed networks: on the internet it would let anyone make the server call its own internal services.",
        ),
    )
    fediverse_key: str = field(
        default="",
        metadata=variable(
            "FEDIVERSE_KEY",
            "ActivityPub: Fernet keys (comma-separated, the first seals) sealing the actors' private signing keys at rest. Empty: a key derived from SECRET_KEY (a new SECRET_KEY then means new actor keys, which peers pick up on their next fetch).",
        ),
    )
    demo: bool = field(
        default=False,
        metadata=variable(
            "TREFFPUNKT_DEMO", "Demo mode: demo data and the `demo`/`demo` login exist (make run sets it)."
        ),
    )

    def __post_init__(self) -> None:
        # 0 would wipe a failed message before the coordination office could look at it
        if self.delivery_log_days < 1:
            raise ValueError(f"DELIVERY_LOG_RETENTION_DAYS is {self.delivery_log_days}, it must be at least 1")
        if self.backup_keep < 0:
            raise ValueError(f"BACKUP_KEEP is {self.backup_keep}, it must be 0 (keep all) or more")
        if self.db_pool_size < 1:
            raise ValueError(f"DB_POOL_SIZE is {self.db_pool_size}, it must be at least 1")
        if 0 < self.health_outbox_max_age_seconds <= self.outbox_redeliver_seconds:
            raise ValueError(
                f"HEALTH_OUTBOX_MAX_AGE_SECONDS is {self.health_outbox_max_age_seconds:g}, it must be above "
                f"OUTBOX_REDELIVER_SECONDS ({self.outbox_redeliver_seconds:g}) or 0: every message waits that long "
                "for its receipt before it is sent again"
            )
        redis_problem = redis_url.problem(self.broker_url)
        if redis_problem:
            raise ValueError(f"REDIS_URL {redis_problem}")
        if self.mailin_protocol not in MAILIN_PROTOCOLS:
            raise ValueError(
                f"MAILIN_PROTOCOL is {self.mailin_protocol!r}, it must be one of: {', '.join(MAILIN_PROTOCOLS)}"
            )
        if self.mailin_max_bytes < 10_000:
            raise ValueError(f"MAILIN_MAX_BYTES is {self.mailin_max_bytes}, it must be at least 10000")
        relays_problem = trusted_relays_problem(self.mailin_trusted_relays)
        if relays_problem:
            raise ValueError(f"MAILIN_TRUSTED_RELAYS {relays_problem}")
        if self.log_format not in LOG_FORMATS:
            raise ValueError(f"LOG_FORMAT is {self.log_format!r}, it must be one of: {', '.join(LOG_FORMATS)}")

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        return from_env(cls, **overrides)

    def to_env(self) -> dict[str, str]:
        """The environment that makes Settings.from_env() in a child process equal to self."""
        return {**to_env(self), "TREFFPUNKT_VAR": str(self.var_dir)}

    @property
    def var_dir(self) -> Path:
        return _var_dir()

    @property
    def backup_folder(self) -> Path:
        return Path(self.backup_dir) if self.backup_dir else self.var_dir / "backups"

    def database_url(self, service: str) -> str:
        if service == "account":  # the account pages change identity: their outbox lives beside it
            return self.identity_database_url
        url: str = getattr(self, f"{service}_database_url")
        return url


def trusted_relays(value: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """MAILIN_TRUSTED_RELAYS as networks (a single address is a network of one)."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip())


def trusted_relays_problem(value: str) -> str | None:
    try:
        trusted_relays(value)
    except ValueError as exc:
        return f"is not a list of addresses or networks: {exc}"
    return None


def secret_problem(secret: str) -> str | None:
    """Why `secret` must not be used outside demo mode (a message for the operator), or None."""
    if secret in PUBLIC_SECRETS or any(word in secret.lower() for word in PLACEHOLDER_WORDS):
        reason = "is a placeholder written in the repository"
    elif len(secret.strip().encode()) < MIN_SECRET_BYTES:
        reason = f"is shorter than {MIN_SECRET_BYTES} bytes"
    else:
        return None
    return (
        f"SECRET_KEY {reason}: anyone could forge logins and signed links with it. Make one with "
        f"{MAKE_SECRET} and put it into .env (see deploy/env.example); only demo mode (make run) "
        "may run without."
    )


def config_table(*classes: type) -> str:
    """The Markdown table of every variable the settings dataclasses `classes` read."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for f in (f for cls in classes for f in fields(cls)):
        default = (
            "var/<name>.db (SQLite)"
            if f.name.endswith("database_url")
            else repr(f.default)
            if not isinstance(f.default, str)
            else f"`{f.default}`"
            if f.default
            else "(empty)"
        )
        rows.append(f"| `{f.metadata['env']}` | {default} | {f.metadata['help']} |")
    return "\n".join(rows)
