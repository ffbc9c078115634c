"""Addresses whose last part is a signed token that stands in for a login: the one-click cancel
link in reminders (rooms), the notification settings link in every email (notify), and the
single-use links that set a password (accounts: an invitation, a forgotten password).

Whoever reads such an address can use it, so it must not travel further than the person's own
browser: pages under these prefixes send no Referer onwards and are not cached
(shared.web.headers), and access logs keep only the prefix (gunicorn's logger in
deploy/gunicorn.conf.py, the werkzeug log of `make run`, Caddy's log filter in deploy/Caddyfile,
which tests/test_security_headers.py checks against PREFIXES).
"""

from __future__ import annotations

import logging
import re

PREFIXES = (
    "/rooms/cancel/",
    "/notify/preferences/",
    "/account/welcome/",
    "/account/reset/",
    "/engagement/confirm/",  # a volunteer's offer of help, confirmed (double opt-in)
    "/engagement/mine/",  # a volunteer's commitments, without an account
)
REDACTED = "[redacted]"
_TOKEN = re.compile("(" + "|".join(re.escape(p) for p in PREFIXES) + r")[^/?#\s\"']+")


def mentions_one(text: str) -> bool:
    return any(prefix in text for prefix in PREFIXES)


def redact(text: str) -> str:
    """`text` with the token of every signed link in it replaced."""
    return _TOKEN.sub(r"\1" + REDACTED, text) if mentions_one(text) else text


class RedactSignedLinks(logging.Filter):
    """For loggers that name requests (werkzeug's request lines in `make run`, Flask's errors)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if mentions_one(message):
            record.msg, record.args = redact(message), ()
        return True


def redact_log(logger: logging.Logger) -> None:
    """Install the filter once (apps are built many times in one process: tests, make run)."""
    if not any(isinstance(f, RedactSignedLinks) for f in logger.filters):
        logger.addFilter(RedactSignedLinks())
