"""Failed logins, counted per account name and per client address, for the web form and HTTP
Basic alike, in a moving window (the `limits` library, as under Flask-Limiter).

The counters live in Redis (REDIS_URL), so every service and every gunicorn worker sees the same
numbers; without Redis (`make run`, one process) in this process, shared by its three apps. Only
failures count: a successful check adds nothing, and a check remembered by the identity store
never gets here at all (CalDAV clients send credentials with every request). Unknown names are
counted like real ones, so a lock does not tell whether a name exists.
"""

from __future__ import annotations

import logging
import math
import time
from functools import cache

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from shared import redis_url

log = logging.getLogger(__name__)

WINDOW_MINUTES = 15
# Ten tries per name leave room for typing and a forgotten caps lock, and hold a guesser to
# under a thousand tries a day; an address gets more, since an office shares one behind NAT.
ACCOUNT_LIMIT = 10
ADDRESS_LIMIT = 30
_ACCOUNT = RateLimitItemPerMinute(ACCOUNT_LIMIT, WINDOW_MINUTES, namespace="account")
_ADDRESS = RateLimitItemPerMinute(ADDRESS_LIMIT, WINDOW_MINUTES, namespace="address")
# "Passwort vergessen": every request counts. Three mails an hour to one person are plenty for
# someone waiting for one, and few for anyone filling another's inbox; an office gets more.
RESET_NAME_LIMIT = 3
RESET_ADDRESS_LIMIT = 10
_RESET_NAME = RateLimitItemPerMinute(RESET_NAME_LIMIT, 60, namespace="reset-name")
_RESET_ADDRESS = RateLimitItemPerMinute(RESET_ADDRESS_LIMIT, 60, namespace="reset-address")
# Codes of the second step: their own counters, so a correct password (which clears the name's
# failed passwords) does not clear them too. A code is six digits and three are good at a time:
# five tries in 15 minutes give a guesser who has the password about one chance in 700 a day.
CODE_NAME_LIMIT = 5
CODE_ADDRESS_LIMIT = 30
_CODE_NAME = RateLimitItemPerMinute(CODE_NAME_LIMIT, WINDOW_MINUTES, namespace="code-name")
_CODE_ADDRESS = RateLimitItemPerMinute(CODE_ADDRESS_LIMIT, WINDOW_MINUTES, namespace="code-address")
NAME_CHARS = 60  # as long as a user name may be; longer input must not make longer keys


class LoginThrottle:
    """Counts per name and per client address; `per_name`/`per_address` are the limits (failed
    logins by default; the reset throttle counts requests for a reset link)."""

    def __init__(self, storage_url: str, per_name: RateLimitItem = _ACCOUNT, per_address: RateLimitItem = _ADDRESS):
        """`storage_url`: REDIS_URL (one server or a Sentinel group), or `memory://`."""
        url, options = redis_url.limits_storage(storage_url)
        if redis_url.is_redis(storage_url):
            options.update(key_prefix="treffpunkt-login", socket_timeout=2)
        self._limiter = MovingWindowRateLimiter(storage_from_string(url, wrap_exceptions=True, **options))
        self._per_name, self._per_address = per_name, per_address

    def wait_seconds(self, name: str, address: str) -> int:
        """0 when a check of `name` from `address` may go ahead, else the seconds until it may."""
        waits = []
        try:
            for item, key in self._keys(name, address):
                if not self._limiter.test(item, key):
                    reset = self._limiter.get_window_stats(item, key).reset_time
                    waits.append(max(1, math.ceil(reset - time.time())))
        except StorageError:  # Redis away: logins keep working, unthrottled, and it is logged
            log.warning("login throttle unavailable; checking without it", exc_info=True)
        return max(waits, default=0)

    def clear(self) -> None:
        """Forget every count (the suite starts each test without any; `memory://` counters
        outlive the apps of a test, being one per process)."""
        self._limiter.storage.reset()

    def failed(self, name: str, address: str) -> None:
        try:
            for item, key in self._keys(name, address):
                self._limiter.hit(item, key)
        except StorageError:
            log.warning("login throttle unavailable; a failed login was not counted", exc_info=True)

    def succeeded(self, name: str) -> None:
        """The person knows the password: their earlier typing mistakes no longer count."""
        try:
            self._limiter.clear(self._per_name, _name_key(name))
        except StorageError:
            log.warning("login throttle unavailable", exc_info=True)

    def _keys(self, name: str, address: str) -> tuple[tuple[RateLimitItem, str], ...]:
        return ((self._per_name, _name_key(name)), (self._per_address, address))


def _name_key(name: str) -> str:
    return name.strip().casefold()[:NAME_CHARS]


@cache
def throttle_for(broker_url: str) -> LoginThrottle:
    """One per storage and process: the apps of `make run` share the in-process counters."""
    return LoginThrottle(broker_url or "memory://")


@cache
def reset_throttle_for(broker_url: str) -> LoginThrottle:
    """Requests for a reset link ("Passwort vergessen"), counted like failed logins: per name
    (the address or user name typed, whether it exists or not) and per client."""
    return LoginThrottle(broker_url or "memory://", _RESET_NAME, _RESET_ADDRESS)


@cache
def code_throttle_for(broker_url: str) -> LoginThrottle:
    """Wrong codes of the second factor (TOTP or recovery code), per account and per client."""
    return LoginThrottle(broker_url or "memory://", _CODE_NAME, _CODE_ADDRESS)
