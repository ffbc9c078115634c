"""`treffpunkt backup` and `treffpunkt restore` on real PostgreSQL with real Celery workers, and on
SQLite (make run): backed up while bookings are made, restored into new empty databases, nothing
committed before the backup began is missing, and once the relay has run against the restored
databases every outbox row is confirmed and every message was processed once."""

from __future__ import annotations

import tarfile
import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from celery import Celery
from click.testing import CliRunner

from shared.clock import utcnow
from shared.db import transaction
from shared.messaging import celery_config

from services.cli import main
from services.operations import backup as backups, restore as restores
from services.operations.databases import Database, all_databases
from services.operations.errors import OperationFailed

from tests.operations.support import rows
from tests.support import infra
from tests.support.rooms import at, book_one, next_week
from tests.support.workers import Worker, wait_until

pytestmark = pytest.mark.e2e
SERVICES = ("calendar", "rooms", "notify", "accounts", "engagement")


def _booker(identity, people, name="lena"):
    return identity.principal(people[name]["id"])


def _offer_help(engagement_app) -> int:
    """A volunteer who offered help, and the mail asking them to confirm in the engagement
    outbox (for notify), as the Engagementbörse writes them. Returns the volunteer's id."""
    from services.engagement.db import models
    from services.engagement.exchange import mails

    with transaction(engagement_app.extensions["db"]) as session:
        volunteer = models.Volunteer(email="vera@example.org", name="Vera Vorleser")
        session.add(volunteer)
        session.flush()
        volunteer_id = volunteer.id
        mails.send(
            session,
            key=f"confirm:application:{volunteer.id}:0",
            purpose="confirm",
            name=volunteer.name,
            email=volunteer.email,
            language="de",
            subject="Bitte bestätigen: Vorlesen im Elterncafé",
            text="Bitte bestätigen Sie mit diesem Link, dass die E-Mail-Adresse Ihnen gehört.",
        )
    return volunteer_id


def _sweep(settings) -> None:
    """What beat does: each service's relay task, and notify's sweep of deliveries whose task was
    lost (here: in the broker, which a restore starts without), sent by name."""
    celery = Celery("test-beat")
    celery.config_from_object(celery_config(settings, "rooms"))
    for service in SERVICES:
        celery.send_task(f"{service}.relay_outbox", queue=service)
    celery.send_task("notify.sweep_deliveries", queue="notify")


def _open_rows(settings) -> dict[str, int]:
    return {
        name: rows(settings.database_url(name), "SELECT count(*) FROM outbox WHERE confirmed_at IS NULL")[0][0]
        for name in ("calendar", "rooms", "engagement", "identity", "notify")
    }


def _settled(settings) -> bool:
    """No outbox row open any more (beat's sweep sent again until every receipt came)."""
    _sweep(settings)
    return not any(_open_rows(settings).values())


def _unsent(settings) -> list:
    return rows(settings.notify_database_url, "SELECT id, status FROM delivery WHERE status <> 'sent'")


def _workers(settings, notify_settings, log_dir) -> list[Worker]:
    """A worker per queue on restored databases. Notify's sweep takes deliveries over a second
    after they were due, not ten minutes (NOTIFY_SWEEP_AFTER_SECONDS, _STALE_SENDING_SECONDS)."""
    notify_settings = replace(notify_settings, sweep_after_seconds=1.0, stale_sending_seconds=1.0)
    started = [Worker(service, settings, log_dir, notify=notify_settings) for service in SERVICES]
    for worker in started:
        worker.wait_ready()
    return started


def _stop(workers) -> None:
    for worker in workers:
        worker.stop()


def _event_uids(settings) -> set[str]:
    return {r[0] for r in rows(settings.calendar_database_url, "SELECT uid FROM calendar_objects WHERE NOT deleted")}


def _notice_messages(settings) -> list[str]:
    """Deliveries per booking notice and channel: one each, however often the notice came."""
    return [r[0] for r in rows(settings.notify_database_url, "SELECT message_id FROM delivery")]


def test_a_receipt_that_came_between_two_dumps_is_sent_again_after_a_restore(
    settings, notify_settings, apps, identity, people, lobeda_room, tmp_path, fresh_databases
):
    """The calendar is dumped first. A booking whose message the calendar records only after its
    dump, and whose receipt reaches rooms before rooms' dump, is in the restored rooms as
    confirmed and missing from the restored calendar: the restore opens it again, the relay
    sends it, the calendar shows it."""
    rooms_worker = Worker("rooms", settings, tmp_path, notify=notify_settings).wait_ready()  # takes receipts
    caught_up: list[Worker] = [rooms_worker]
    try:
        day = next_week()
        booking = book_one(
            apps["rooms"].extensions["db"],
            _booker(identity, people),
            lobeda_room,
            at(day, 9),
            at(day, 11),
            "Elterncafé",
        )

        def confirmed() -> bool:
            found = rows(
                settings.rooms_database_url,
                "SELECT confirmed_at FROM outbox WHERE task_name = 'calendar.booking_changed'",
            )
            return bool(found) and found[0][0] is not None

        class CalendarCatchesUpAfterItsDump(Database):
            def dump(self, path):
                super().dump(path)  # the calendar as it was: without the booking
                caught_up.append(Worker("calendar", settings, tmp_path, notify=notify_settings).wait_ready())
                wait_until(confirmed, what="the calendar's receipt in rooms")

        chosen = [
            CalendarCatchesUpAfterItsDump(**vars(d)) if d.name == "calendar" else d for d in all_databases(settings)
        ]
        done = backups.back_up(settings, tmp_path / "archives", databases=chosen)
    finally:
        _stop(caught_up)
    infra.flush_redis()  # the broker's queues are not part of a backup

    target = fresh_databases("between")
    restored = restores.restore(target, done.archive)
    assert booking.uid not in _event_uids(target)
    reopened = rows(
        target.rooms_database_url, "SELECT confirmed_at FROM outbox WHERE task_name = 'calendar.booking_changed'"
    )
    assert reopened == [(None,)], "the message the restored calendar lacks must be open again"
    assert restored.reopened["rooms"].confirmed >= 1

    started = _workers(target, notify_settings, tmp_path)
    try:
        wait_until(lambda: _settled(target), timeout=60, what="every outbox row confirmed")
    finally:
        _stop(started)
    assert booking.uid in _event_uids(target)


def test_backup_while_bookings_are_made_restores_everything_committed_before_it_began(
    settings, notify_settings, apps, identity, people, lobeda_room, workers, tmp_path, fresh_databases
):
    rooms_db = apps["rooms"].extensions["db"]
    booker = _booker(identity, people, "otto")  # another partner's room: booker and owner are told
    made: list[tuple[int, str, object]] = []  # (booking id, uid, committed by)
    stop = threading.Event()
    failures: list[BaseException] = []

    def keep_booking():
        first = next_week()
        try:
            for i in range(400):
                if stop.is_set():
                    return
                day = first + timedelta(days=i // 6)
                hour = 8 + 2 * (i % 6)
                booking = book_one(rooms_db, booker, lobeda_room, at(day, hour), at(day, hour + 1), f"Termin {i}")
                made.append((booking.id, booking.uid, utcnow()))
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            failures.append(exc)

    volunteer = _offer_help(apps["engagement"])
    booking_thread = threading.Thread(target=keep_booking, daemon=True)
    booking_thread.start()
    wait_until(lambda: len(made) >= 15, what="bookings before the backup")
    done = backups.back_up(settings, tmp_path / "archives")
    wait_until(lambda: len(made) >= 15 + 10 or failures, what="bookings after the backup")  # ≥ 10 during/after
    stop.set()
    booking_thread.join(30)
    assert not failures, failures
    started_at = done.manifest.started_at
    before = [(booking_id, uid) for booking_id, uid, committed in made if committed < started_at]
    assert len(before) >= 15 and len(before) < len(made)

    _stop(workers.values())
    infra.flush_redis()
    target = fresh_databases("load")
    restored = restores.restore(target, done.archive)

    restored_bookings = {r[0] for r in rows(target.rooms_database_url, "SELECT id FROM bookings")}
    assert {booking_id for booking_id, _ in before} <= restored_bookings
    lost_until_relay = {uid for _, uid in before} - _event_uids(target)

    started = _workers(target, notify_settings, tmp_path)
    try:
        wait_until(lambda: _settled(target), timeout=90, what="every outbox row confirmed")
        wait_until(lambda: not _unsent(target) or _sweep(target), timeout=90, what="every delivery sent")
    finally:
        _stop(started)

    # every booking committed before the backup began: in rooms, its event in the calendar, its
    # notices delivered (booker and owner), each exactly once
    assert {uid for _, uid in before} <= _event_uids(target), lost_until_relay
    print(  # figures for README's operations section (pytest -s)
        f"\nbackup under load: {len(made)} bookings, {len(before)} before the backup began, "
        f"backup {(done.manifest.finished_at - started_at).total_seconds():.2f} s; restored: "
        f"{len(lost_until_relay)} events missing until the relay ran; re-opened "
        + ", ".join(f"{name} {r.confirmed}/{r.due}" for name, r in restored.reopened.items())
    )
    booking_ids = {booking_id for booking_id, _ in before}
    delivered = rows(target.notify_database_url, "SELECT booking_id, kind, account_id, channel, status FROM delivery")
    told = {(booking_id, account) for booking_id, _kind, account, _channel, _status in delivered}
    for booking_id in booking_ids:
        assert (booking_id, people["otto"]["id"]) in told
    messages = _notice_messages(target)
    pairs = rows(target.notify_database_url, "SELECT message_id, channel FROM delivery")
    assert len(pairs) == len(set(pairs)), "a notice was turned into deliveries twice"
    # every message the restored rooms sent was recorded by its receiver, once (the inbox's key)
    sent = rows(target.rooms_database_url, "SELECT message_id, task_name FROM outbox")
    inbox = {
        name: {r[0] for r in rows(target.database_url(name), "SELECT message_id FROM inbox")}
        for name in ("calendar", "notify")
    }
    for message_id, task_name in sent:
        assert message_id in inbox[task_name.split(".")[0]], task_name
    assert set(messages) <= inbox["notify"]
    # the Engagementbörse's database too: the volunteer who offered help before the backup, and
    # the mail asking them to confirm, sent from the restored outbox and delivered once
    assert rows(target.engagement_database_url, "SELECT id FROM volunteer") == [(volunteer,)]
    assert rows(target.engagement_database_url, "SELECT count(*) FROM outbox WHERE confirmed_at IS NULL") == [(0,)]
    mailed = "SELECT channel, status FROM delivery WHERE recipient = :to AND kind = 'confirm'"
    assert rows(target.notify_database_url, mailed, to="vera@example.org") == [("email", "sent")]


def test_sqlite_round_trip_of_make_run(tmp_path, monkeypatch):
    """make run's embedded defaults: SQLite files under TREFFPUNKT_VAR, backed up with SQLite's
    online backup API and restored into another folder."""
    from shared.config import Settings

    from services.databases import migrate_all
    from services.demo import load_demo

    monkeypatch.setenv("TREFFPUNKT_VAR", str(tmp_path / "var"))
    settings = Settings(demo=True)
    assert settings.rooms_database_url.startswith("sqlite:///")
    migrate_all(settings)
    list(load_demo(settings))
    counts = {
        "rooms": "SELECT count(*) FROM bookings",
        "calendar": "SELECT count(*) FROM calendar_objects",
        "identity": "SELECT count(*) FROM accounts",
    }
    before = {name: rows(settings.database_url(name), sql)[0][0] for name, sql in counts.items()}
    assert all(before.values())

    result = CliRunner().invoke(main, ["backup", "--to", str(tmp_path / "archives")])
    assert result.exit_code == 0, result.output
    archive = next((tmp_path / "archives").glob("treffpunkt-backup-*.tar"))

    monkeypatch.setenv("TREFFPUNKT_VAR", str(tmp_path / "elsewhere"))
    result = CliRunner().invoke(main, ["restore", str(archive)])
    assert result.exit_code == 0, result.output
    target = Settings()
    assert target.rooms_database_url != settings.rooms_database_url
    after = {name: rows(target.database_url(name), sql)[0][0] for name, sql in counts.items()}
    assert after == before
    check = CliRunner().invoke(main, ["migrate", "--check"])
    assert check.exit_code == 0, check.output


# --- refusals ------------------------------------------------------------------------------------
@pytest.fixture
def archive(settings, people, tmp_path):
    return backups.back_up(settings, tmp_path / "archives").archive


@pytest.fixture
def treffpunkt(monkeypatch):
    def run(target, *args):
        for name, value in target.to_env().items():
            monkeypatch.setenv(name, value)
        return CliRunner().invoke(main, list(args))

    return run


def test_restore_refuses_databases_that_are_not_empty_and_changes_nothing(settings, archive, people, treffpunkt):
    result = treffpunkt(settings, "restore", str(archive))
    assert result.exit_code == 1
    assert "nothing restored" in result.output and "is not empty" in result.output and "--replace" in result.output
    assert "Traceback" not in result.output
    accounts = rows(settings.identity_database_url, "SELECT count(*) FROM accounts")[0][0]
    assert accounts == 3


def test_restore_with_replace_drops_what_was_there(settings, archive, people, fresh_databases, treffpunkt):
    target = fresh_databases("replace")
    assert treffpunkt(target, "migrate").exit_code == 0
    result = treffpunkt(target, "restore", "--replace", str(archive))
    assert result.exit_code == 0, result.output
    names = {r[0] for r in rows(target.identity_database_url, "SELECT username FROM accounts")}
    assert names == {"lena", "otto", "kora"}


def test_a_damaged_archive_is_refused_before_anything_is_restored(archive, fresh_databases, treffpunkt, tmp_path):
    damaged = tmp_path / archive.name
    with tarfile.open(archive) as tar:  # the largest dump's first bytes of data (never tar's padding)
        dump = max((m for m in tar.getmembers() if m.name != "manifest.json"), key=lambda m: m.size)
    raw = bytearray(archive.read_bytes())
    raw[dump.offset_data + dump.size // 2] ^= 0xFF  # one flipped byte inside a dump
    damaged.write_bytes(bytes(raw))
    target = fresh_databases("damaged")
    for args in (["restore", "--check", str(damaged)], ["restore", str(damaged)]):
        result = treffpunkt(target, *args)
        assert result.exit_code == 1 and "checksum" in result.output and "Traceback" not in result.output
    assert rows(target.rooms_database_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]

    cut = tmp_path / "cut.tar"
    cut.write_bytes(archive.read_bytes()[:4000])
    not_tar = tmp_path / "notes.tar"
    not_tar.write_text("not an archive")
    for broken in (cut, not_tar, tmp_path / "missing.tar"):
        result = treffpunkt(target, "restore", "--check", str(broken))
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert str(broken) in result.output


def test_check_accepts_a_whole_archive(archive, settings, treffpunkt):
    result = treffpunkt(settings, "restore", "--check", str(archive))
    assert result.exit_code == 0, result.output
    assert result.output.count("checksum ok") == 5


def test_backup_without_pg_dump_or_database_says_what_is_missing(settings, treffpunkt, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump on it
    result = treffpunkt(settings, "backup", "--to", str(tmp_path / "a"))
    assert result.exit_code == 1 and "pg_dump was not found" in result.output, result.output
    assert not list((tmp_path / "a").iterdir())  # no archive, no leftovers
    monkeypatch.undo()
    unreachable = replace(settings, notify_database_url="postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    result = treffpunkt(unreachable, "backup", "--to", str(tmp_path / "b"))
    assert result.exit_code == 1 and "database notify" in result.output and "Traceback" not in result.output
    assert not list((tmp_path / "b").glob("*.tar"))


def test_keep_leaves_the_newest_archives(settings, tmp_path, monkeypatch):
    folder = tmp_path / "archives"
    folder.mkdir()
    (folder / "notes.txt").write_text("kept: not an archive")
    made = []
    for _ in range(3):
        made.append(backups.back_up(settings, folder, keep=2))
        wait_until(lambda: utcnow().replace(microsecond=0) > made[-1].manifest.started_at, what="the next second")
    assert sorted(p.name for p in folder.iterdir()) == sorted(["notes.txt", made[1].archive.name, made[2].archive.name])
    assert made[2].removed == [made[0].archive]


def test_restore_refuses_a_dump_of_another_kind_of_database(archive, settings, fresh_databases):
    target = fresh_databases("kind")
    sqlite_target = replace(target, calendar_database_url="sqlite:///" + str(archive.parent / "calendar.db"))
    with pytest.raises(OperationFailed, match="postgresql dump"):
        restores.restore(sqlite_target, archive)


def test_compose_runs_the_backup_on_demand_with_pg_dump_in_the_image():
    """The schedule README shows: `docker compose --profile backup run --rm backup`."""
    import yaml

    from shared.config import ROOT

    backup = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["backup"]
    assert backup["command"] == ["treffpunkt", "backup"] and backup["profiles"] == ["backup"]
    assert any(v.endswith(":/var/lib/treffpunkt/backups") for v in backup["volumes"])
    assert "postgresql-client" in (ROOT / "deploy" / "Dockerfile").read_text()
    assert "--profile backup run --rm backup" in (ROOT / "README.md").read_text()
