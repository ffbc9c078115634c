"""Everything the notify service reads from the environment, in one typed object.

Email and SMS (which provider, how to reach it) and notify's own tuning knobs live here, not in
shared.config.Settings: only this service reads them. Same variable names as ever; defaults make
`make run` work (mail and SMS captured, shown at /notify/). The app keeps it as
`app.config["NOTIFY_SETTINGS"]`; tests change a knob by replacing it (`dataclasses.replace`),
never by patching code."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from shared import config

MAIL_BACKENDS = ("capture", "smtp")
SMS_BACKENDS = ("capture", "webhook", "seven")
SMTP_SECURITY = ("none", "starttls", "tls")


@dataclass(frozen=True)
class NotifySettings:
    mail_backend: str = field(
        default="capture", metadata=config.variable("MAIL_BACKEND", "`capture` (stored, shown at /notify/) or `smtp`.")
    )
    mail_from: str = field(
        default="Treffpunkt Jena <noreply@treffpunkt-jena.de>",
        metadata=config.variable("MAIL_FROM", "Sender and iTIP ORGANIZER of all email."),
    )
    smtp_host: str = field(default="127.0.0.1", metadata=config.variable("SMTP_HOST", "SMTP server."))
    smtp_port: int = field(default=25, metadata=config.variable("SMTP_PORT", "SMTP port."))
    smtp_security: str = field(
        default="none", metadata=config.variable("SMTP_SECURITY", "`none`, `starttls` or `tls`.")
    )
    smtp_user: str = field(default="", metadata=config.variable("SMTP_USER", "SMTP login (empty: no login)."))
    smtp_password: str = field(default="", metadata=config.variable("SMTP_PASSWORD", "SMTP password."))
    sms_backend: str = field(
        default="capture",
        metadata=config.variable("SMS_BACKEND", "`capture`, `webhook` (generic HTTP/JSON) or `seven` (seven.io)."),
    )
    sms_url: str = field(
        default="", metadata=config.variable("SMS_URL", "Base URL of the SMS gateway (webhook or provider).")
    )
    sms_token: str = field(default="", metadata=config.variable("SMS_TOKEN", "API token of the SMS gateway."))
    sms_sender: str = field(default="Treffpunkt", metadata=config.variable("SMS_SENDER", "Sender name shown on SMS."))
    max_attempts: int = field(
        default=8,
        metadata=config.variable(
            "NOTIFY_MAX_ATTEMPTS", "Sends per delivery before it is given up (shown at /notify/dead)."
        ),
    )
    retry_base_seconds: float = field(
        default=30.0,
        metadata=config.variable(
            "NOTIFY_RETRY_BASE_SECONDS", "First backoff after a temporary failure; doubles each time, with jitter."
        ),
    )
    retry_max_seconds: float = field(
        default=1800.0,
        metadata=config.variable(
            "NOTIFY_RETRY_MAX_SECONDS", "Longest backoff; stays below the broker's visibility timeout."
        ),
    )
    send_timeout: float = field(
        default=20.0, metadata=config.variable("NOTIFY_SEND_TIMEOUT", "SMTP / HTTP timeout per send.")
    )
    stale_sending_seconds: float = field(
        default=300.0,
        metadata=config.variable(
            "NOTIFY_STALE_SENDING_SECONDS",
            "A delivery left *sending* this long was left by a dead worker and is taken over.",
        ),
    )
    sweep_after_seconds: float = field(
        default=600.0,
        metadata=config.variable(
            "NOTIFY_SWEEP_AFTER_SECONDS",
            "The sweep queues a waiting delivery again this long after it was due (its task got lost).",
        ),
    )
    sweep_batch: int = field(
        default=500,
        metadata=config.variable("NOTIFY_SWEEP_BATCH", "At most this many deliveries queued again per sweep."),
    )
    retention_batch: int = field(
        default=1000,
        metadata=config.variable(
            "NOTIFY_RETENTION_BATCH",
            "Retention: at most this many deliveries (and reminder plans) erased per hourly run; a backlog takes several runs.",
        ),
    )
    rate_email: float = field(
        default=20.0,
        metadata=config.variable(
            "NOTIFY_RATE_EMAIL", "Emails per second, all workers together (0: unlimited); what the provider allows."
        ),
    )
    rate_sms: float = field(
        default=5.0, metadata=config.variable("NOTIFY_RATE_SMS", "SMS per second, all workers together (0: unlimited).")
    )
    rate_burst_seconds: float = field(
        default=1.0,
        metadata=config.variable(
            "NOTIFY_RATE_BURST_SECONDS", "A full rate bucket holds this many seconds' worth of sends."
        ),
    )
    rate_max_wait_seconds: float = field(
        default=2.0,
        metadata=config.variable(
            "NOTIFY_RATE_MAX_WAIT_SECONDS",
            "A worker waits this long for the rate limit; longer: the send is queued again, no attempt spent.",
        ),
    )
    preferences_link_days: int = field(
        default=60,
        metadata=config.variable("NOTIFY_PREFERENCES_LINK_DAYS", "How long the settings link in an email stays valid."),
    )
    health_backlog_seconds: float = field(
        default=900.0,
        metadata=config.variable(
            "HEALTH_NOTIFY_BACKLOG_SECONDS",
            "`/notify/healthz` answers 503 when a delivery due to be sent has waited longer than this (0: not "
            "checked). One is normally sent within seconds; a lost one is queued again after "
            "NOTIFY_SWEEP_AFTER_SECONDS, so keep it above that.",
        ),
    )
    # a task that sends (email and SMS, each up to send_timeout): after the soft limit its
    # unfinished sends are recorded and retried, after the hard one the process dies and the
    # sweep takes the rows over (stale_sending_seconds)
    task_soft_seconds: float = field(
        default=90.0,
        metadata=config.variable(
            "NOTIFY_TASK_SOFT_SECONDS",
            "Soft time limit of a sending task: its unfinished sends are recorded and retried.",
        ),
    )
    task_hard_seconds: float = field(
        default=120.0,
        metadata=config.variable(
            "NOTIFY_TASK_HARD_SECONDS", "Hard time limit of a sending task (its process is ended); above the soft one."
        ),
    )

    def __post_init__(self) -> None:
        problems = []
        for name, value, allowed in (
            ("MAIL_BACKEND", self.mail_backend, MAIL_BACKENDS),
            ("SMS_BACKEND", self.sms_backend, SMS_BACKENDS),
            ("SMTP_SECURITY", self.smtp_security, SMTP_SECURITY),
        ):
            if value not in allowed:
                problems.append(f"{name} is {value!r}, not one of {', '.join(allowed)}")
        if not 0 < self.smtp_port < 65536:
            problems.append(f"SMTP_PORT {self.smtp_port} is not a port")
        if min(self.max_attempts, self.sweep_batch, self.retention_batch, self.preferences_link_days) < 1:
            problems.append(
                "NOTIFY_MAX_ATTEMPTS, NOTIFY_SWEEP_BATCH, NOTIFY_RETENTION_BATCH and NOTIFY_PREFERENCES_LINK_DAYS"
                " must be at least 1"
            )
        if (
            min(
                self.retry_base_seconds,
                self.retry_max_seconds,
                self.send_timeout,
                self.stale_sending_seconds,
                self.sweep_after_seconds,
                self.task_soft_seconds,
                self.rate_burst_seconds,
            )
            <= 0
        ):
            problems.append("the NOTIFY_*_SECONDS values and NOTIFY_SEND_TIMEOUT must be above 0")
        if min(self.rate_email, self.rate_sms, self.rate_max_wait_seconds) < 0:
            problems.append("NOTIFY_RATE_EMAIL, NOTIFY_RATE_SMS and NOTIFY_RATE_MAX_WAIT_SECONDS must not be negative")
        if 0 < self.health_backlog_seconds <= self.sweep_after_seconds:
            problems.append("HEALTH_NOTIFY_BACKLOG_SECONDS must be above NOTIFY_SWEEP_AFTER_SECONDS (or 0)")
        if self.task_hard_seconds <= self.task_soft_seconds:
            problems.append("NOTIFY_TASK_HARD_SECONDS must be above NOTIFY_TASK_SOFT_SECONDS")
        if problems:
            raise ValueError("notify settings: " + "; ".join(problems))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, **overrides: Any) -> NotifySettings:
        return config.from_env(cls, environ, **overrides)

    def to_env(self) -> dict[str, str]:
        """The environment that makes NotifySettings.from_env() in a child process equal to self."""
        return config.to_env(self)

    @property
    def rates(self) -> dict[str, float]:
        """Sends per second per channel (0: unlimited)."""
        return {"email": self.rate_email, "sms": self.rate_sms}


def of(app: Flask) -> NotifySettings:
    settings: NotifySettings = app.config["NOTIFY_SETTINGS"]
    return settings


def current() -> NotifySettings:
    """The notify settings of the app handling this request or task."""
    return of(current_app)
