"""REDIS_URL naming a Redis Sentinel group: bookings reach the SMTP sink through real Celery
workers, the master is killed, the sentinels promote the replica, and the next booking arrives
too, with the workers, the web apps, the sending rate and the login throttle all finding the new
master by themselves. Real processes only: redis-server (also as the sentinels), PostgreSQL, workers."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

import pytest
import redis

from shared import redis_url
from shared.config import Settings
from shared.identity.throttle import LoginThrottle

from services.accounts.app import PREFIX as ACCOUNT
from services.frontdoor import create_apps
from services.notify.ratelimit import RedisBucket

from tests.support.login import login
from tests.support.metrics import scrape, value
from tests.support.redis_sentinel import SENTINEL_PASSWORD, SentinelGroup
from tests.support.rooms import csrf_token, next_week, post_booking_form
from tests.support.workers import Worker, wait_until

pytestmark = pytest.mark.e2e
log = logging.getLogger(__name__)


@pytest.fixture(scope="module")
def group(tmp_path_factory):
    with SentinelGroup(tmp_path_factory.mktemp("sentinel")) as started:
        yield started


@pytest.fixture(scope="module")
def sentinel_settings(settings, group):
    return replace(settings, broker_url=group.url)


# The apps of this module speak to the Sentinel group: the suite's fixtures (people, lobeda_room)
# then make their rooms through them, and the room's message goes where the workers listen.
@pytest.fixture(scope="module")
def apps(sentinel_settings, notify_settings):
    return create_apps(sentinel_settings, notify_settings)


@pytest.fixture(scope="module")
def rooms_app(apps):
    return apps["rooms"]


def test_bookings_arrive_before_and_after_the_master_dies(
    sentinel_settings, notify_settings, apps, group, lobeda_room, people, smtp_sink, tmp_path
):
    started = [Worker(s, sentinel_settings, tmp_path, notify=notify_settings) for s in ("calendar", "rooms", "notify")]
    try:
        for worker in started:
            worker.wait_ready()
        otto = apps["rooms"].test_client()
        login(otto, "otto")
        day = next_week() + timedelta(days=2)

        _book(otto, lobeda_room, day, "10:00", "Erzählcafé")
        wait_until(lambda: len(smtp_sink.messages) == 1, what="the first confirmation email")
        _fail_login(apps, "lena")
        replica = group.server(group.replica_port)
        # replication is asynchronous: what the master took in its last moments may be lost (see
        # the README); here the count has reached the replica before the master dies
        wait_until(lambda: _throttle_count(replica, "lena") == 1, what="the count on the replica")

        group.kill_master()
        promoted_after = group.wait_for_new_master()
        log.info("the sentinels promoted the replica %.1f s after the master died", promoted_after)

        _book(otto, lobeda_room, day, "14:00", "Spielenachmittag")
        mail = wait_until(lambda: len(smtp_sink.messages) == 2 and smtp_sink.messages[1], what="the email after it")
        assert "Spielenachmittag" in mail.get_body(("plain",)).get_content()

        # the health check's broker probe and the queue lengths in the metrics ask the new master
        # (accounts: no worker of its own runs here, so its message stays in the queue)
        assert apps["rooms"].test_client().get("/rooms/healthz?serving").status_code == 200
        apps["accounts"].extensions["celery"].send_task("accounts.nothing_to_see", queue="accounts")
        samples = scrape(apps["accounts"], ACCOUNT)
        assert value(samples, "treffpunkt_broker_up") == 1
        assert value(samples, "treffpunkt_celery_queue_length", queue="accounts") == 1

        # the login throttle counts on the new master: the failure before the failover (it was
        # replicated) and the one after it
        _fail_login(apps, "lena")
        assert _throttle_count(replica, "lena") == 2
    except BaseException:
        for worker in started:
            log.error("worker %s:\n%s", worker.service, worker.log())
        raise
    finally:
        for worker in started:
            worker.stop()


def _throttle_count(server: redis.Redis, name: str) -> int:
    """Failed logins counted for `name` (the moving window keeps one list entry per failure)."""
    keys = server.keys(f"treffpunkt-login:account/{name}/*")
    assert len(keys) <= 1, keys
    return int(server.llen(keys[0])) if keys else 0


def _book(client, room_id: int, day, start: str, title: str) -> None:
    end = f"{int(start[:2]) + 1:02d}:00"
    response = post_booking_form(client, room_id, date=day.isoformat(), start=start, end=end, title=title)
    assert response.status_code == 302, response.get_data(as_text=True)


def _fail_login(apps, username: str) -> None:
    client = apps["rooms"].test_client()
    page = client.get("/rooms/login")
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "username": username, "password": "falsch"}
    assert client.post("/rooms/login", data=data).status_code == 401  # the form again, with its message


def test_each_library_gets_the_group_in_its_own_shape():
    url = "redis+sentinel://:p%40ss@10.0.0.1:26379,10.0.0.2,[::1]:26380/treffpunkt/2?sentinel_password=s"
    broker = redis_url.kombu_broker(url, {"visibility_timeout": 60})
    assert broker["broker_url"] == ";".join(
        f"sentinel://:p%40ss@{host}/2" for host in ("10.0.0.1:26379", "10.0.0.2:26379", "[::1]:26380")
    )
    options = broker["broker_transport_options"]
    assert options["visibility_timeout"] == 60 and options["master_name"] == "treffpunkt"
    assert options["sentinel_kwargs"]["password"] == "s"
    storage, limits_options = redis_url.limits_storage(url)
    assert storage == "redis+sentinel://10.0.0.1:26379,10.0.0.2:26379,[::1]:26380/treffpunkt"
    assert limits_options["db"] == 2 and limits_options["password"] == "p@ss"
    assert limits_options["use_replicas"] is False and limits_options["sentinel_kwargs"]["password"] == "s"
    # one server: as it always was
    plain = "redis://:secret@127.0.0.1:6379/8"
    assert redis_url.kombu_broker(plain, {"visibility_timeout": 60}) == {
        "broker_url": plain,
        "broker_transport_options": {"visibility_timeout": 60},
    }
    assert redis_url.limits_storage(plain) == (plain, {})


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("redis+sentinel://127.0.0.1:26379", "must name the master"),
        ("redis+sentinel://127.0.0.1:26379/treffpunkt/zero", "must name the master"),
        ("redis+sentinel://127.0.0.1:x/treffpunkt", "names the sentinel '127.0.0.1:x'"),
        ("redis+sentinel://127.0.0.1:26379,,h:1/treffpunkt", "names the sentinel ''"),
        ("redis+sentinel://h/treffpunkt?password=x", "unknown parameter(s) password"),
        ("sentinel://127.0.0.1:26379", "redis+sentinel://"),
        ("127.0.0.1:6379", "it must be redis://"),
    ],
)
def test_a_bad_redis_url_is_refused_at_start(url, says):
    with pytest.raises(ValueError) as refused:
        Settings(broker_url=url)
    assert str(refused.value).startswith("REDIS_URL ") and says in str(refused.value)


def test_the_throttle_and_clients_reach_the_group_with_both_passwords(group):
    """The sentinels and the servers each want their own password; a wrong one is an error, not
    a silent fallback."""
    client = redis_url.client(group.url, socket_timeout=2, socket_connect_timeout=2)
    client.set("probe", "1")
    assert group.server(group.master_port_named()).get("probe") == b"1"
    throttle = LoginThrottle(group.url)
    throttle.failed("someone", "192.0.2.1")
    assert _throttle_count(group.server(group.master_port_named()), "someone") == 1
    bucket = RedisBucket(group.url)  # notify's sending rate: one a second, no burst
    assert bucket.take("email", 1.0, 1.0) == 0.0
    assert bucket.take("email", 1.0, 1.0) > 0.5
    wrong = group.url.replace(SENTINEL_PASSWORD, "wrong")
    with pytest.raises(redis.RedisError):
        redis_url.client(wrong, socket_timeout=2, socket_connect_timeout=2).ping()
