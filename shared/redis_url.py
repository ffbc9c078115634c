"""REDIS_URL, read in one place: one Redis server (`redis://`, `rediss://`, `unix://`, as redis-py
reads them), or a Redis Sentinel group, whose sentinels name the current master and promote a
replica when it fails:

    redis+sentinel://[[user]:password@]host:26379,host:26379,host:26379/<master name>[/<db>][?sentinel_password=…]

The scheme and the `host,host/<master name>` part are the ones the `limits` library reads; the
password is the Redis servers' (`requirepass`, given to master and replicas alike), and sentinels
that ask for one of their own (`requirepass` in sentinel.conf) get `sentinel_password`.

Each library wants the group in its own shape: kombu (Celery's broker) a `sentinel://h:p;…` URL
with the master's name in its transport options, `limits` (the login throttles) its own URL with
the rest as options, redis-py (the sending rate, the queue lengths) a client from
redis.sentinel.Sentinel. All of them ask the sentinels again when the master stops answering.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from redis.sentinel import Sentinel

SENTINEL_SCHEME = "redis+sentinel"
SERVER_SCHEMES = ("redis", "rediss", "unix")
SENTINEL_PORT = 26379
SENTINEL_TIMEOUT = 2.0  # seconds to connect to a sentinel and for its answer: a dead one is skipped
FORM = "redis+sentinel://[:password@]host:26379,host:26379,host:26379/<master name>[/<db>]"


@dataclass(frozen=True)
class SentinelGroup:
    sentinels: tuple[tuple[str, int], ...]
    master: str
    db: int = 0
    username: str | None = None
    password: str | None = None
    sentinel_password: str | None = None

    def server_auth(self) -> dict[str, Any]:
        """What a connection to the master (or a replica) is opened with."""
        return {"db": self.db, "username": self.username, "password": self.password}

    def sentinel_kwargs(self, timeout: float = SENTINEL_TIMEOUT) -> dict[str, Any]:
        """How each sentinel is asked. Always given: redis-py would otherwise pass on neither
        timeouts nor the rule that a sentinel that does not answer is skipped for the next one
        at once (its default retries with growing pauses made a question to three dead ones
        take 12 s)."""
        return {
            "password": self.sentinel_password,
            "socket_timeout": timeout,
            "socket_connect_timeout": timeout,
            "retry": Retry(NoBackoff(), 0),
        }


def is_redis(url: str) -> bool:
    """Whether `url` names Redis (one server or a Sentinel group), as REDIS_URL does."""
    return urlsplit(url).scheme in (*SERVER_SCHEMES, SENTINEL_SCHEME)


def problem(url: str) -> str | None:
    """What is wrong with REDIS_URL `url` (for the operator), or None. Empty is fine (make run)."""
    if not url:
        return None
    scheme = urlsplit(url).scheme
    if scheme in SERVER_SCHEMES:
        return None
    if scheme != SENTINEL_SCHEME:
        return (
            f"has the scheme {scheme or '(none)'!r}; it must be redis://, rediss://, unix:// (one server) "
            f"or {SENTINEL_SCHEME}:// (a Sentinel group: {FORM})"
        )
    try:
        sentinel_group(url)
    except ValueError as exc:
        return str(exc)
    return None


def sentinel_group(url: str) -> SentinelGroup:
    """The Sentinel group of a `redis+sentinel://` URL; ValueError says what is wrong."""
    parts = urlsplit(url)
    if parts.scheme != SENTINEL_SCHEME:
        raise ValueError(f"is not a {SENTINEL_SCHEME}:// URL")
    userinfo, _, hosts = parts.netloc.rpartition("@")
    username, _, password = userinfo.partition(":")
    sentinels = tuple(_sentinel(item) for item in hosts.split(","))
    path = [unquote(step) for step in parts.path.split("/")[1:]]
    if not path or not path[0] or len(path) > 2 or (len(path) == 2 and not path[1].isdigit()):
        raise ValueError(f"must name the master the sentinels watch, then optionally a database number: {FORM}")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(query) - {"sentinel_password"}
    if unknown:
        raise ValueError(f"has the unknown parameter(s) {', '.join(sorted(unknown))}; only sentinel_password is read")
    return SentinelGroup(
        sentinels=sentinels,
        master=path[0],
        db=int(path[1]) if len(path) == 2 else 0,
        username=unquote(username) or None,
        password=unquote(password) or None,
        sentinel_password=query.get("sentinel_password", [""])[-1] or None,
    )


def _sentinel(item: str) -> tuple[str, int]:
    host, colon, port = item.rpartition(":") if not item.endswith("]") else (item, "", "")
    if not colon:
        host, port = item, str(SENTINEL_PORT)
    host = host.strip("[]")  # an IPv6 address, [::1]:26379
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"names the sentinel {item!r}; each must be host:port, separated by commas: {FORM}")
    return host, int(port)


def kombu_broker(url: str, transport_options: dict[str, Any]) -> dict[str, Any]:
    """Celery's broker settings for REDIS_URL `url`, with the Redis transport's `transport_options`.
    kombu reads the password and the database from the first of its `sentinel://` URLs."""
    if urlsplit(url).scheme != SENTINEL_SCHEME:
        return {"broker_url": url, "broker_transport_options": transport_options}
    group = sentinel_group(url)
    auth = ""
    if group.username or group.password:
        auth = f"{quote(group.username or '', safe='')}:{quote(group.password or '', safe='')}@"
    hosts = ";".join(f"sentinel://{auth}{_netloc(host, port)}/{group.db}" for host, port in group.sentinels)
    return {
        "broker_url": hosts,
        "broker_transport_options": {
            **transport_options,
            "master_name": group.master,
            "sentinel_kwargs": group.sentinel_kwargs(),
        },
    }


def limits_storage(url: str) -> tuple[str, dict[str, Any]]:
    """The `limits` library's storage URL and options for REDIS_URL `url`. Reads go to the master
    too: a replica lags, and a throttle must count the failure just made."""
    if urlsplit(url).scheme != SENTINEL_SCHEME:
        return url, {}
    group = sentinel_group(url)
    hosts = ",".join(_netloc(host, port) for host, port in group.sentinels)
    auth = {key: value for key, value in group.server_auth().items() if value is not None}
    return f"{SENTINEL_SCHEME}://{hosts}/{quote(group.master, safe='')}", {
        **auth,
        "use_replicas": False,
        "sentinel_kwargs": group.sentinel_kwargs(),
    }


def client(url: str, **options: Any) -> redis.Redis:
    """A redis-py client of the Redis `url` names (a Sentinel group: of its current master, found
    again through the sentinels after a failover); `options` as for redis.Redis."""
    if urlsplit(url).scheme != SENTINEL_SCHEME:
        return redis.Redis.from_url(url, **options)
    group = sentinel_group(url)
    timeout = min(SENTINEL_TIMEOUT, options.get("socket_connect_timeout") or SENTINEL_TIMEOUT)
    sentinel = Sentinel(list(group.sentinels), sentinel_kwargs=group.sentinel_kwargs(timeout), **options)  # type: ignore[no-untyped-call]
    master: redis.Redis = sentinel.master_for(group.master, **group.server_auth())  # type: ignore[no-untyped-call]
    return master


def _netloc(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
