"""Retention of the delivery log (services/notify/retention.py) against real PostgreSQL: after
DELIVERY_LOG_RETENTION_DAYS a finished delivery forgets who it went to and what it said, its
row (and so every count) stays; what is young or still on its way is never touched."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from shared.clock import utcnow
from shared.config import Settings

from services.beat import celery as beat
from services.notify import retention
from services.notify.models import CapturedMessage, Delivery, PlannedOccurrence, ReminderPlan

from tests.support.login import login
from tests.support.notify import notice_payload, tune

DAYS = 90
PERSONAL = ("recipient", "subject", "text", "body", "last_error")


@pytest.fixture
def captured(notify_app, monkeypatch):
    tune(monkeypatch, notify_app, mail_backend="capture", sms_backend="capture")


@pytest.fixture
def notified(run_task, people, captured, deliveries):
    """Sends one notice (email and SMS) to Lena; returns the ids of its two deliveries."""

    def notify(**values):
        before = {r["id"] for r in deliveries()}
        run_task("notify.booking_notice", **notice_payload(account_id=people["lena"]["id"], **values))
        return sorted({r["id"] for r in deliveries()} - before)

    return notify


def _age(notify_app, ids, days, **values):
    """Move deliveries `days` into the past (every moment of theirs), and set `values`."""
    then = utcnow() - timedelta(days=days)
    with notify_app.extensions["db"]() as session:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(created_at=then, claimed_at=then, sent_at=then, next_attempt_at=None, **values)
        )
        session.commit()


def _rows(notify_app):
    with notify_app.extensions["db"]() as session:
        return {r.id: r for r in session.scalars(select(Delivery))}


def _counts(notify_app):
    return Counter((r.kind, r.channel, r.status) for r in _rows(notify_app).values())


def _captured(notify_app, ids):
    with notify_app.extensions["db"]() as session:
        return session.scalar(select(func.count()).where(CapturedMessage.delivery_id.in_(ids)))


def _erase(notify_app, batch=1000):
    return retention.erase_deliveries(notify_app.extensions["db"], DAYS, batch)


def test_old_finished_deliveries_lose_their_content_and_keep_their_rows(notify_app, notified):
    old_sent = notified(title="Alte Krabbelgruppe")
    old_failed = notified(title="Alte Skatrunde")
    young = notified(title="Neue Krabbelgruppe")
    _age(notify_app, old_sent, DAYS + 1)
    _age(notify_app, old_failed, DAYS + 1, status="failed", failure="permanent", last_error="550 lena@example.org?")
    _age(notify_app, young, DAYS - 1)
    counts, rows_before = _counts(notify_app), _rows(notify_app)
    assert _captured(notify_app, old_sent) == 2

    assert _erase(notify_app) == 4

    rows = _rows(notify_app)
    assert _counts(notify_app) == counts and rows.keys() == rows_before.keys()
    for i in old_sent + old_failed:
        assert all(getattr(rows[i], name) == "" for name in PERSONAL), i
        assert retention.is_erased(rows[i])
        before = rows_before[i]
        kept = ("kind", "channel", "status", "failure", "attempts", "created_at", "sent_at", "account_id")
        assert {k: getattr(rows[i], k) for k in kept} == {k: getattr(before, k) for k in kept}
    assert _captured(notify_app, old_sent) == 0
    for i in young:
        assert rows[i].recipient in ("lena@example.org", "+4915123456789") and rows[i].body
        assert not retention.is_erased(rows[i])
    assert _captured(notify_app, young) == 2


@pytest.mark.parametrize("status", ["queued", "sending", "retrying"])
def test_a_delivery_still_on_its_way_is_never_touched_however_old(notify_app, notified, status):
    ids = notified()
    _age(notify_app, ids, 400, status=status)
    assert _erase(notify_app) == 0
    assert all(r.recipient and r.body for r in _rows(notify_app).values())


def test_a_delivery_sent_again_recently_is_kept_as_long_again(notify_app, notified):
    """Created long ago, but a coordinator re-sent it last week: the clock starts then."""
    ids = notified()
    _age(notify_app, ids, 200)
    with notify_app.extensions["db"]() as session:
        session.execute(update(Delivery).where(Delivery.id == ids[0]).values(sent_at=utcnow() - timedelta(days=7)))
        session.commit()
    assert _erase(notify_app) == 1
    rows = _rows(notify_app)
    assert not retention.is_erased(rows[ids[0]]) and retention.is_erased(rows[ids[1]])


def test_each_run_erases_at_most_the_batch_oldest_first_and_a_second_pass_changes_nothing(notify_app, notified):
    ids = notified() + notified()
    _age(notify_app, ids, DAYS + 30)
    assert _erase(notify_app, batch=3) == 3
    assert [retention.is_erased(_rows(notify_app)[i]) for i in ids] == [True, True, True, False]
    assert _erase(notify_app, batch=3) == 1
    counts = _counts(notify_app)
    assert _erase(notify_app, batch=3) == 0
    assert _counts(notify_app) == counts


def test_the_beat_runs_the_task_hourly_with_the_configured_period(notify_app, notified, run_task, monkeypatch):
    entry = beat.conf.beat_schedule["notify-erase-old-content"]
    assert entry["task"] == "notify.erase_old_content" and entry["options"]["queue"] == "notify"
    assert entry["schedule"] == 3600.0
    ids = notified()
    _age(notify_app, ids, 10)
    assert run_task("notify.erase_old_content").get() == {"deliveries": 0, "plans": 0}
    monkeypatch.setitem(notify_app.config, "SETTINGS", Settings.from_env(delivery_log_days=7))
    assert run_task("notify.erase_old_content").get() == {"deliveries": 2, "plans": 0}
    assert all(retention.is_erased(r) for r in _rows(notify_app).values())


def _plans(notify_app):
    with notify_app.extensions["db"]() as session:
        plans = session.scalars(select(ReminderPlan.booking_id).order_by(ReminderPlan.booking_id)).all()
        dates = session.scalars(select(PlannedOccurrence.booking_id).order_by(PlannedOccurrence.booking_id)).all()
        return plans, dates


def test_reminder_plans_go_once_all_their_dates_are_long_over(notify_app, notified):
    """A plan holds the booker's name, address and number: kept while a date is ahead or recent."""
    factory = notify_app.extensions["db"]
    now = utcnow()
    notified(booking_id=1, occurrences=[{"starts_at": now - timedelta(days=100), "ends_at": now - timedelta(days=99)}])
    notified(
        booking_id=2,
        occurrences=[
            {"starts_at": now - timedelta(days=200), "ends_at": now - timedelta(days=199)},
            {"starts_at": now + timedelta(days=7), "ends_at": now + timedelta(days=7, hours=1)},
        ],
    )
    with factory() as session:  # as if both were last heard of long ago
        session.execute(update(ReminderPlan).values(updated_at=now - timedelta(days=120)))
        session.commit()
    assert _plans(notify_app) == ([1, 2], [1, 2, 2])

    assert retention.erase_plans(factory, DAYS, batch=10) == 1
    assert _plans(notify_app) == ([2], [2, 2])
    assert retention.erase_plans(factory, DAYS, batch=10) == 0


def test_the_log_and_the_message_page_say_the_content_was_erased(notify_app, notified):
    ids = notified(title="Alte Krabbelgruppe")
    _age(notify_app, ids, DAYS + 1, status="failed", failure="exhausted")
    _erase(notify_app)
    client = notify_app.test_client()
    login(client, "kora", service="notify")

    log = client.get("/notify/").get_data(as_text=True)
    assert log.count("Inhalt nach 90 Tagen gelöscht") == 2
    assert "lena@example.org" not in log and "Alte Krabbelgruppe" not in log
    assert 'class="count-failed">2<' in log
    dead = client.get("/notify/dead").get_data(as_text=True)
    assert dead.count("Inhalt nach 90 Tagen gelöscht") == 2 and 'class="count-exhausted">2<' in dead

    page = client.get(f"/notify/deliveries/{ids[0]}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Inhalt nach 90 Tagen gelöscht" in text
    assert "Erneut senden" not in text  # nothing left to send
    token = re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)
    refused = client.post(f"/notify/deliveries/{ids[0]}/resend", data={"csrf_token": token}, follow_redirects=True)
    assert "Aufbewahrungsfrist gelöscht" in refused.get_data(as_text=True)
    assert _rows(notify_app)[ids[0]].status == "failed"
    assert client.get(f"/notify/deliveries/{ids[0]}/invite.ics").status_code == 404


def test_a_retention_period_below_one_day_is_refused():
    with pytest.raises(ValueError, match="DELIVERY_LOG_RETENTION_DAYS"):
        Settings.from_env(delivery_log_days=0)
