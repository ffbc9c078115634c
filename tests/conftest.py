"""Fixtures for the whole suite: real PostgreSQL and Redis, a local SMTP sink, a fake SMS
gateway, the three apps, and partners with accounts. See tests/support/ for the pieces."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, profiles

from shared import outbox
from shared.db import transaction
from shared.identity.store import use_hasher
from shared.identity.throttle import code_throttle_for, reset_throttle_for, throttle_for

from services.calendar.public import snapshot
from services.databases import migrate_all
from services.frontdoor import FrontDoor, create_apps
from services.rooms.booking import rooms as operations
from services.rooms.db.models import OutboxMessage

from tests.fuzz.harness import BOUND, FIGURES
from tests.support import infra, production
from tests.support.browser import chromium
from tests.support.login import PASSWORD
from tests.support.sms_gateway import FakeSmsGateway
from tests.support.smtp import SmtpSink
from tests.support.workers import Worker


def pytest_sessionstart(session):
    if hasattr(session.config, "workerinput"):
        # an xdist worker: pytest.exit() there would only end the worker (xdist starts another
        # and the run passes having run nothing); an error is reported and fails the run
        infra.check_reachable()
    else:
        try:
            infra.check_reachable(workers=_xdist_workers(session.config))
        except infra.InfrastructureMissing as exc:
            pytest.exit(str(exc), returncode=3)
        if session.config.pluginmanager.has_plugin("dsession"):
            return  # the xdist controller runs no test; each worker makes its own databases
    infra.recreate_databases()
    infra.flush_redis()
    use_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))  # ~0.1 ms instead of ~0.1 s a hash


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile` with tests/bench/ as one file: a benchmark alone opens about 50 PostgreSQL
    connections, two at once in two workers took PostgreSQL past its 100."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class BenchmarksTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return "tests/bench/" if scope.startswith("tests/bench/") else scope

    return BenchmarksTogether(config, log)


def _xdist_workers(config) -> int:
    """How many xdist workers this run starts (0 without xdist)."""
    if not config.pluginmanager.has_plugin("dsession"):
        return 0
    return len(config.getoption("tx") or []) or (config.getoption("numprocesses") or 0)


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: its fuzz figures go to the controller
        workeroutput["fuzz_figures"] = FIGURES.as_dict()
        workeroutput["production_ran"] = production.RAN


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The xdist controller adds up its workers' fuzz figures (none from a worker that crashed)."""
    figures = getattr(node, "workeroutput", {}).get("fuzz_figures")
    if figures:
        FIGURES.add(figures)
    production.RAN.extend(getattr(node, "workeroutput", {}).get("production_ran", []))


def pytest_terminal_summary(terminalreporter):
    if production.RAN:
        terminalreporter.write_sep("=", "production shape")
        for line in production.RAN:
            terminalreporter.write_line(line)
    if FIGURES.examples or FIGURES.skipped:
        terminalreporter.write_sep("=", "fuzz figures")
        terminalreporter.write_line(FIGURES.line())
        if FIGURES.failures:
            terminalreporter.write_line(
                f"{len(FIGURES.failures)} fuzz tests found failures (details above, "
                f"per test); request bound {BOUND:g} s"
            )


@pytest.fixture(scope="session")
def smtp_sink():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture(scope="session")
def sms_gateway():
    with FakeSmsGateway() as gateway:
        yield gateway


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    s = infra.test_settings(tmp_path_factory.mktemp("var"))
    migrate_all(s)
    infra.remember_seeds()
    return s


@pytest.fixture(scope="session")
def notify_settings(smtp_sink, sms_gateway):
    """Notify sends through the suite's SMTP sink and fake SMS gateway."""
    return infra.test_notify_settings(
        smtp_port=smtp_sink.port, sms_url=sms_gateway.url + "/sms", sms_token="test-token"
    )


_APPS: list[dict] = []  # the apps made for this run, whose process caches each test starts without


@pytest.fixture(autouse=True)
def clean_state(smtp_sink, sms_gateway):
    """Every test starts with empty databases, an empty broker and empty sinks."""
    infra.truncate_all()
    for made in _APPS:
        # emptied behind the app's back: what the public pages hold of the last test goes too
        made["calendar"].extensions[snapshot.HELD].clear()
    infra.flush_redis()
    for throttle in (throttle_for, reset_throttle_for, code_throttle_for):
        throttle("").clear()  # the in-process counters apps without Redis share (test_security_login)
    smtp_sink.handler.messages.clear()
    smtp_sink.fail(None, 0)
    sms_gateway.received.clear()
    sms_gateway.fail(0, 0)
    yield


@pytest.fixture(scope="session")
def apps(settings, notify_settings):
    made = create_apps(settings, notify_settings)
    _APPS.append(made)
    return made


@pytest.fixture(scope="session")
def rooms_app(apps):
    return apps["rooms"]


@pytest.fixture(scope="session")
def calendar_app(apps):
    return apps["calendar"]


@pytest.fixture(scope="session")
def notify_app(apps):
    return apps["notify"]


@pytest.fixture(scope="session")
def accounts_app(apps):
    return apps["accounts"]


@pytest.fixture(scope="session")
def frontdoor(apps):
    return FrontDoor(apps)


@pytest.fixture
def identity(rooms_app):
    return rooms_app.extensions["identity"]


@pytest.fixture
def people(identity):
    """Two partners in different districts, a staff account each, and a coordinator.

    Returns {username: {"id", "partner_id", "password", "app_password"}}."""
    identity.create_partner("mgh-lobeda", "Mehrgenerationenhaus Lobeda", "Lobeda", "Karl-Marx-Allee 28")
    identity.create_partner("awo-nord", "AWO Begegnungsstätte Nord", "Nord", "Dornburger Straße 24")
    identity.create_partner("koordination", "Koordinierungsstelle", "Zentrum")
    result = {}
    for username, partner, role, phone in (
        ("lena", "mgh-lobeda", "staff", "0151 23456789"),
        ("otto", "awo-nord", "staff", "+49 160 9876543"),
        ("kora", "koordination", "coordination", ""),
    ):
        account_id = identity.create_account(
            username,
            username.title(),
            partner_slug=partner,
            role=role,
            email=f"{username}@example.org",
            phone=phone,
            password=PASSWORD,
        )
        app_password = identity.create_app_password(username, "test")
        principal = identity.principal(account_id)
        result[username] = {
            "id": account_id,
            "partner_id": principal.partner_id,
            "password": PASSWORD,
            "app_password": app_password,
        }
    return result


@pytest.fixture
def lobeda_room(rooms_app, people):
    """ "Großer Saal" of Lena's partner (Lobeda), announced to the calendar through the outbox."""
    factory = rooms_app.extensions["db"]
    with transaction(factory) as session:
        room = operations.create_room(
            session,
            people["lena"]["partner_id"],
            name="Großer Saal",
            district="Lobeda",
            address="Karl-Marx-Allee 28",
            capacity=60,
            equipment=["beamer"],
            step_free=True,
        )
    outbox.relay(factory, OutboxMessage, rooms_app.extensions["celery"])
    return room.id


@pytest.fixture
def workers(settings, notify_settings, tmp_path):
    """One real Celery worker process per service queue, on this run's Redis."""
    started = [
        Worker(service, settings, tmp_path, notify=notify_settings)
        for service in ("calendar", "rooms", "notify", "accounts")
    ]
    try:
        for worker in started:
            worker.wait_ready()
        yield {w.service: w for w in started}
    finally:
        for worker in started:
            worker.stop()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for the browser tests of one module (tests/support/browser.py)."""
    with chromium() as launched:
        yield launched
