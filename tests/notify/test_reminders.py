"""Reminders: notify's own plan of booked dates (from confirmed/approved/changed notices,
cancellations take dates off) and the periodic scan that turns due dates into exactly one
reminder per date and channel. Real PostgreSQL, SMTP sink and SMS gateway; the scan is called
with an explicit `now`, the way beat calls it with the clock."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from tests.support.notify import notice_payload

BERLIN = ZoneInfo("Europe/Berlin")


def local(day, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=BERLIN)


def at(moment: datetime, **delta) -> datetime:
    """`moment` shifted by elapsed time (aware arithmetic in one ZoneInfo would be wall-clock)."""
    return moment.astimezone(timezone.utc) + timedelta(**delta)


def dates(first: datetime, weeks: int = 3, cancelled=()) -> list[dict]:
    """Weekly dates at the same local time, with the ids and cancel links rooms sends."""
    result = []
    for i in range(weeks):
        start = (first.astimezone(BERLIN).replace(tzinfo=None) + timedelta(weeks=i)).replace(tzinfo=BERLIN)
        result.append(
            {
                "starts_at": start,
                "ends_at": start + timedelta(hours=2),
                "id": 500 + i,
                "state": "cancelled" if i in cancelled else "valid",
                "cancel_url": f"http://127.0.0.1:8080/rooms/occurrences/{500 + i}/cancel?token=t{500 + i}",
            }
        )
    return result


@pytest.fixture
def first_date():
    """Ten days ahead of the real clock, 10:00 in Jena: the plan is learnt now, well before."""
    return local((datetime.now(BERLIN) + timedelta(days=10)).date())


@pytest.fixture
def plan(run_task, people):
    def send(kind="confirmed", sequence=0, occurrences=None, account="lena", **extra):
        payload = notice_payload(
            kind=kind, sequence=sequence, occurrences=occurrences, account_id=people[account]["id"], **extra
        )
        run_task("notify.booking_notice", **payload)
        return payload

    return send


@pytest.fixture
def scan(notify_app, settings, notify_settings, run_task):
    """One scan at `now`, then what the worker does with the queued ids."""
    from services.notify import preferences, reminders

    def run(now, send=True):
        ids = reminders.scan(
            notify_app.extensions["db"],
            notify_settings.mail_from,
            now=now,
            preferences_url=preferences.url_maker(settings),
        )
        if send:
            for delivery_id in ids:
                run_task("notify.send_delivery", delivery_id=delivery_id)
        return ids

    return run


def reminders_sent(deliveries) -> list[tuple[str, str]]:
    return sorted((r["channel"], r["subject"]) for r in deliveries() if r["kind"] == "reminder")


def test_one_reminder_per_due_date_and_channel_however_often_the_scan_runs(
    plan, scan, first_date, deliveries, smtp_sink, sms_gateway
):
    plan(occurrences=dates(first_date))
    smtp_sink.handler.messages.clear(), sms_gateway.received.clear()
    now = at(first_date, hours=-23)
    ids = scan(now) + scan(now)
    with ThreadPoolExecutor(4) as pool:  # four scans at once, each with its own connections
        ids += [i for found in pool.map(lambda _: scan(now, send=False), range(4)) for i in found]
    assert [c for c, _ in reminders_sent(deliveries)] == ["email", "sms"]
    assert len(smtp_sink.messages) == 1 and len(sms_gateway.received) == 1
    mail, sms = smtp_sink.messages[0], sms_gateway.received[0]["json"]["text"]
    assert str(mail["Subject"]).startswith("Erinnerung: Krabbelgruppe")
    text = mail.get_body(("plain",)).get_content()
    assert "Diesen Termin absagen: http://127.0.0.1:8080/rooms/occurrences/500/cancel?token=t500" in text
    assert "occurrences/501" not in text  # about the one due date only
    assert "Benachrichtigungen einstellen: http://127.0.0.1:8080/notify/preferences/" in text
    assert "/rooms/occurrences/500/cancel?token=t500" in sms
    assert scan(now) == [] and len(smtp_sink.messages) == 1  # a later scan: nothing new


def test_the_next_date_is_reminded_in_its_own_time(plan, scan, first_date, deliveries):
    plan(occurrences=dates(first_date))
    scan(at(first_date, hours=-23))
    second = dates(first_date)[1]["starts_at"]
    scan(at(second, hours=-1))
    assert len([r for r in deliveries() if r["kind"] == "reminder" and r["channel"] == "email"]) == 2


def test_no_reminder_for_a_cancelled_date_nor_a_past_one(plan, scan, first_date, deliveries):
    plan(occurrences=dates(first_date))
    plan(kind="cancelled", sequence=1, occurrences=dates(first_date, cancelled=(1,)))  # only the second date
    starts = [d["starts_at"] for d in dates(first_date)]
    scan(at(starts[0], hours=1))  # the first date has begun: too late for it
    scan(at(starts[1], hours=-1))  # inside the window of the cancelled one
    assert reminders_sent(deliveries) == []
    scan(at(starts[2], hours=-1))  # the third date still stands
    assert len(reminders_sent(deliveries)) == 2


def test_a_cancelled_booking_gets_no_reminders(plan, scan, first_date, deliveries):
    plan(occurrences=dates(first_date))
    plan(kind="cancelled", sequence=1, occurrences=dates(first_date))  # the whole series, states not marked
    for date in dates(first_date):
        scan(at(date["starts_at"], hours=-1))
    assert reminders_sent(deliveries) == []


def test_a_newer_sequence_replaces_the_plan_and_an_older_one_changes_nothing(plan, scan, first_date, deliveries):
    plan(occurrences=dates(first_date, weeks=1))
    moved = at(first_date, hours=3)
    plan(kind="changed", sequence=2, occurrences=dates(moved, weeks=1))
    plan(kind="changed", sequence=1, occurrences=dates(first_date, weeks=1))  # late, out of order
    scan(at(first_date, hours=-23, minutes=-30))
    assert reminders_sent(deliveries) == []  # the old time is gone from the plan
    scan(at(moved, hours=-23, minutes=-30))
    assert len(reminders_sent(deliveries)) == 2


def _lead(notify_app, account_id, minutes):
    from services.notify import preferences
    from services.notify.domain.preferences import Preferences

    with notify_app.extensions["db"]() as session:
        preferences.save(session, account_id, Preferences(lead_minutes=minutes))
        session.commit()


def test_the_accounts_lead_time_is_respected(notify_app, plan, scan, first_date, deliveries, people):
    _lead(notify_app, people["lena"]["id"], 120)
    plan(occurrences=dates(first_date, weeks=1))
    scan(at(first_date, hours=-23))
    scan(at(first_date, hours=-2, minutes=-1))
    assert reminders_sent(deliveries) == []
    scan(at(first_date, hours=-2))
    assert len(reminders_sent(deliveries)) == 2


def test_no_reminders_when_the_account_wants_none(notify_app, plan, scan, first_date, deliveries, people):
    _lead(notify_app, people["lena"]["id"], None)
    plan(occurrences=dates(first_date, weeks=1))
    for hours in (47, 23, 2, 1):
        scan(at(first_date, hours=-hours))
    assert reminders_sent(deliveries) == []


def test_a_booking_made_inside_the_lead_time_gets_no_reminder(plan, scan, deliveries):
    soon = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=5)
    plan(occurrences=[{"starts_at": soon, "ends_at": soon + timedelta(hours=1)}])
    scan(datetime.now(timezone.utc) + timedelta(minutes=1))
    assert reminders_sent(deliveries) == []  # the confirmation has just gone out


def test_a_declined_or_unplanned_kind_plans_nothing(plan, scan, first_date, deliveries):
    plan(kind="requested", occurrences=dates(first_date, weeks=1), account="otto")
    plan(occurrences=dates(first_date, weeks=1), booking_id=43)
    plan(kind="declined", sequence=1, occurrences=dates(first_date, weeks=1), booking_id=43)
    scan(at(first_date, hours=-23))
    assert reminders_sent(deliveries) == []


def next_spring_sunday(after: datetime) -> datetime:
    """The next last Sunday of March (summer time starts) at least two days ahead."""
    year = after.year
    while True:
        day = datetime(year, 3, 31)
        day -= timedelta(days=(day.weekday() - 6) % 7)
        if local(day.date()) > after + timedelta(days=2):
            return local(day.date())
        year += 1


def test_24_hours_before_is_the_same_wall_clock_time_the_day_before_across_dst(plan, scan, deliveries):
    sunday = next_spring_sunday(datetime.now(BERLIN))  # 10:00 CEST; Saturday 10:00 was CET
    plan(occurrences=[{"starts_at": sunday, "ends_at": sunday + timedelta(hours=1)}])
    saturday_ten = local((sunday - timedelta(days=1)).date())
    assert at(sunday) - at(saturday_ten) == timedelta(hours=23)
    scan(at(saturday_ten, minutes=-1))  # exactly 23 h 01 min ahead: not yet
    assert reminders_sent(deliveries) == []
    scan(at(saturday_ten))
    assert len(reminders_sent(deliveries)) == 2


def test_the_beat_task_queues_the_reminders_on_the_real_broker(
    notify_app, plan, first_date, settings, run_task, deliveries, smtp_sink
):
    from services.beat import celery as beat
    from services.notify.models import PlannedOccurrence

    from tests.support.workers import queue_length

    entry = beat.conf.beat_schedule["notify-scan-reminders"]
    assert entry["task"] == "notify.scan_reminders" and entry["options"]["queue"] == "notify"

    due = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=20)
    plan(occurrences=[{"starts_at": due, "ends_at": due + timedelta(hours=1)}])
    with notify_app.extensions["db"]() as session:  # as if the confirmation had come two days ago
        session.execute(update(PlannedOccurrence).values(learned_at=datetime.now(timezone.utc) - timedelta(days=2)))
        session.commit()
    before = queue_length(settings.broker_url, "notify")
    run_task("notify.scan_reminders")
    assert queue_length(settings.broker_url, "notify") - before == 2
    run_task("notify.scan_reminders")
    assert queue_length(settings.broker_url, "notify") - before == 2  # marked reminded: not again
    queued = [r["id"] for r in deliveries() if r["kind"] == "reminder"]
    for delivery_id in queued:
        run_task("notify.send_delivery", delivery_id=delivery_id)
    assert [r["status"] for r in deliveries() if r["kind"] == "reminder"] == ["sent", "sent"]


def test_reminder_moments_across_both_dst_changes_and_for_hour_leads():
    from services.notify.domain.reminders import is_due, reminder_moment

    utc = timezone.utc
    spring = datetime(2027, 3, 28, 10, 0, tzinfo=BERLIN)  # Sunday, first day of summer time
    autumn = datetime(2027, 10, 31, 10, 0, tzinfo=BERLIN)  # Sunday, first day of winter time
    assert reminder_moment(spring, 1440) == datetime(2027, 3, 27, 9, 0, tzinfo=utc)  # Sat 10:00 CET: 23 h
    assert reminder_moment(autumn, 1440) == datetime(2027, 10, 30, 8, 0, tzinfo=utc)  # Sat 10:00 CEST: 25 h
    assert reminder_moment(autumn, 2880) == datetime(2027, 10, 29, 8, 0, tzinfo=utc)
    assert reminder_moment(spring, 120) == datetime(2027, 3, 28, 6, 0, tzinfo=utc)  # 2 h of elapsed time
    # Monday 02:30 the day after the change: Sunday 02:30 does not exist; the instant after the gap
    assert reminder_moment(datetime(2027, 3, 29, 2, 30, tzinfo=BERLIN), 1440) == datetime(
        2027, 3, 28, 1, 30, tzinfo=utc
    )
    learned = datetime(2027, 1, 1, tzinfo=utc)
    assert not is_due(spring, 1440, learned, datetime(2027, 3, 27, 8, 59, tzinfo=utc))
    assert is_due(spring, 1440, learned, datetime(2027, 3, 27, 9, 0, tzinfo=utc))
    assert not is_due(spring, 1440, learned, spring)  # begun: no reminder any more
    assert not is_due(spring, None, learned, datetime(2027, 3, 28, 9, 0, tzinfo=utc))
