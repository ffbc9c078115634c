"""Settings from environment variables, with defaults that make `make run` work on a bare machine.

Every service reads the same Settings object (what all of them need; each uses only its own
database URL); a service with settings of its own keeps them in a dataclass of the same kind
(services/notify/settings.py). Each field names its variable and documents it in its metadata:
`from_env` reads them, `to_env` writes them for a child process, and the table of variables in
README.md is generated from them (`treffpunkt config-table`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-secret-change-me"
# Outside demo mode SECRET_KEY signs sessions, CSRF tokens and the links in emails: a value anyone
# can read in this repository (the built-in one, the placeholders people copy) or one short enough
# to guess lets them forge all of these.
PUBLIC_SECRETS = frozenset({DEV_SECRET, "CHANGE-ME-openssl-rand-hex-32", "CHANGE-ME-see-the-line-above"})
PLACEHOLDER_WORDS = ("change-me", "changeme", "change_me")
MIN_SECRET_BYTES = 32
MAKE_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


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
    broker_url: str = field(
        default="",
        metadata=variable("REDIS_URL", "Celery broker. Empty: a file-based broker under var/broker (make run only)."),
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
    outbox_redeliver_seconds: float = field(
        default=600.0,
        metadata=variable(
            "OUTBOX_REDELIVER_SECONDS",
            "A published message without the receiver's receipt after this long is published again (then after twice as long, …); the receiver's inbox absorbs copies.",
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
        if self.db_pool_size < 1:
            raise ValueError(f"DB_POOL_SIZE is {self.db_pool_size}, it must be at least 1")

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        return from_env(cls, **overrides)

    def to_env(self) -> dict[str, str]:
        """The environment that makes Settings.from_env() in a child process equal to self."""
        return {**to_env(self), "TREFFPUNKT_VAR": str(self.var_dir)}

    @property
    def var_dir(self) -> Path:
        return _var_dir()

    def database_url(self, service: str) -> str:
        if service == "account":  # the account pages change identity: their outbox lives beside it
            return self.identity_database_url
        url: str = getattr(self, f"{service}_database_url")
        return url


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
