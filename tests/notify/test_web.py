"""The delivery log at /notify/: who sees what, search and filter, captured messages, re-send."""

from __future__ import annotations

import html
import re

import icalendar
import pytest

from tests.support.login import login
from tests.support.notify import notice_payload, tune
from tests.support.workers import queue_length


@pytest.fixture
def captured(notify_app, monkeypatch):
    """make run's backends: messages are kept in our database instead of leaving the host."""
    tune(monkeypatch, notify_app, mail_backend="capture", sms_backend="capture")


@pytest.fixture
def two_people_notified(run_task, people, captured):
    run_task(
        "notify.booking_notice",
        **notice_payload(account_id=people["lena"]["id"], title="Krabbelgruppe <script>alert(1)</script>"),
    )
    run_task(
        "notify.booking_notice",
        **notice_payload(account_id=people["otto"]["id"], email="otto@example.org", phone="", title="Skatrunde Nord"),
    )


def _client(notify_app, username):
    client = notify_app.test_client()
    login(client, username, service="notify")
    return client


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_login_is_required(notify_app):
    response = notify_app.test_client().get("/notify/")
    assert response.status_code == 302 and "/notify/login" in response.headers["Location"]


def test_staff_see_only_their_own_and_coordination_sees_all(notify_app, two_people_notified):
    lena = _client(notify_app, "lena").get("/notify/").get_data(as_text=True)
    assert "lena@example.org" in lena and "+4915123456789" in lena
    assert "otto@example.org" not in lena
    kora = _client(notify_app, "kora").get("/notify/").get_data(as_text=True)
    assert "lena@example.org" in kora and "otto@example.org" in kora


def test_search_and_status_filter(notify_app, two_people_notified, deliveries):
    client = _client(notify_app, "kora")
    found = client.get("/notify/?q=skatrunde").get_data(as_text=True)
    assert "otto@example.org" in found and "lena@example.org" not in found
    none_failed = client.get("/notify/?status=failed").get_data(as_text=True)
    assert "Keine Nachrichten gefunden" in none_failed
    sent = client.get("/notify/?status=sent").get_data(as_text=True)
    assert "otto@example.org" in sent
    bad = client.get("/notify/?status=verschollen")
    assert bad.status_code == 400 and "Unbekannter Status" in bad.get_data(as_text=True)


def test_like_wildcards_are_searched_literally(notify_app, two_people_notified):
    page = _client(notify_app, "kora").get("/notify/?q=%25").get_data(as_text=True)
    assert "Keine Nachrichten gefunden" in page


def test_captured_email_shows_headers_text_safe_html_and_ics(notify_app, two_people_notified, deliveries, people):
    email_row = next(r for r in deliveries() if r["channel"] == "email" and r["account_id"] == people["lena"]["id"])
    client = _client(notify_app, "lena")
    page = client.get(f"/notify/deliveries/{email_row['id']}").get_data(as_text=True)
    assert "Abgefangene Nachricht" in page
    assert "lena@example.org" in page and html.escape(email_row["subject"]) in page
    assert "<script>alert(1)</script>" not in page  # the title is escaped in the page and inside srcdoc
    srcdoc = html.unescape(re.search(r'srcdoc="([^"]*)"', page).group(1))
    assert 'sandbox=""' in page
    assert "&lt;script&gt;" in srcdoc and "<script>" not in srcdoc
    ics = client.get(f"/notify/deliveries/{email_row['id']}/invite.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(ics.get_data())
    assert str(cal["METHOD"]) == "REQUEST"


def test_captured_sms_shows_its_text(notify_app, two_people_notified, deliveries):
    sms_row = next(r for r in deliveries() if r["channel"] == "sms")
    page = _client(notify_app, "lena").get(f"/notify/deliveries/{sms_row['id']}").get_data(as_text=True)
    assert "Abgefangene Nachricht" in page and "Skatrunde" not in page
    assert html.escape(sms_row["subject"]) in page


def test_staff_cannot_open_or_resend_another_partners_delivery(notify_app, two_people_notified, deliveries, people):
    otto_row = next(r for r in deliveries() if r["account_id"] == people["otto"]["id"])
    client = _client(notify_app, "lena")
    assert client.get(f"/notify/deliveries/{otto_row['id']}").status_code == 404
    assert client.get(f"/notify/deliveries/{otto_row['id']}/invite.ics").status_code == 404
    page = client.get("/notify/").get_data(as_text=True)
    assert (
        client.post(f"/notify/deliveries/{otto_row['id']}/resend", data={"csrf_token": _csrf(page)}).status_code == 403
    )


def test_coordination_resends_a_failed_delivery(notify_app, run_task, people, smtp_sink, deliveries, settings):
    smtp_sink.fail("550 5.7.1 mailbox full", 1)
    run_task("notify.booking_notice", **notice_payload(account_id=people["lena"]["id"], phone=""))
    [row] = deliveries()
    assert row["status"] == "failed"
    client = _client(notify_app, "kora")
    page = client.get(f"/notify/deliveries/{row['id']}").get_data(as_text=True)
    assert "Erneut senden" in page
    assert client.post(f"/notify/deliveries/{row['id']}/resend").status_code == 400  # no CSRF token
    assert deliveries()[0]["status"] == "failed"

    response = client.post(f"/notify/deliveries/{row['id']}/resend", data={"csrf_token": _csrf(page)})
    assert response.status_code == 303
    assert deliveries()[0]["status"] == "queued"
    assert queue_length(settings.broker_url, "notify") == 1  # the task went to the real broker

    run_task("notify.send_delivery", delivery_id=row["id"])  # what the notify worker does with it
    assert deliveries()[0]["status"] == "sent"
    assert len(smtp_sink.messages) == 1


def test_only_failed_deliveries_can_be_resent(notify_app, run_task, people, deliveries):
    run_task("notify.booking_notice", **notice_payload(account_id=people["lena"]["id"], phone=""))
    [row] = deliveries()
    client = _client(notify_app, "kora")
    page = client.get(f"/notify/deliveries/{row['id']}").get_data(as_text=True)
    assert "Erneut senden" not in page
    response = client.post(
        f"/notify/deliveries/{row['id']}/resend", data={"csrf_token": _csrf(page)}, follow_redirects=True
    )
    assert "Nur fehlgeschlagene Nachrichten" in response.get_data(as_text=True)
    assert deliveries()[0]["status"] == "sent"


def test_both_lists_page_through_keeping_their_filters(notify_app, people):
    """101 given-up emails: the first page shows 100 and links to the next one with the same
    filters; the log does the same with its status filter."""
    import uuid

    from services.notify.models import Delivery
    from services.notify.views import PAGE_SIZE

    with notify_app.extensions["db"]() as session:
        session.add_all(
            Delivery(
                message_id=str(uuid.uuid4()),
                channel="email",
                account_id=people["lena"]["id"],
                recipient=f"person{i}@example.org",
                kind="confirmed",
                booking_id=i,
                uid=f"b{i}",
                status="failed",
                failure="permanent",
                last_error="550 unknown user",
            )
            for i in range(PAGE_SIZE + 1)
        )
        session.commit()
    client = _client(notify_app, "kora")
    for first, wanted_link in (
        ("/notify/dead?why=permanent&channel=email", "why=permanent"),
        ("/notify/?status=failed&channel=email", "status=failed"),
    ):
        page = html.unescape(client.get(first).get_data(as_text=True))
        assert page.count("@example.org</span>") == PAGE_SIZE
        older = re.search(r'<a href="([^"]+)">Ältere</a>', page).group(1)
        assert "page=2" in older and wanted_link in older and "channel=email" in older
        second = html.unescape(client.get(older).get_data(as_text=True))
        assert second.count("@example.org</span>") == 1 and "person0@example.org" in second
        assert re.search(r'<a href="[^"]*page=1[^"]*">Neuere</a>', second)


def test_log_times_are_local_and_written_for_the_readers_language(notify_app, people, identity):
    from datetime import datetime, timezone

    from services.notify.models import Delivery

    with notify_app.extensions["db"]() as session:
        session.add(
            Delivery(
                message_id="00000000-0000-4000-8000-000000000001",
                channel="email",
                account_id=people["lena"]["id"],
                recipient="lena@example.org",
                kind="confirmed",
                booking_id=1,
                uid="b1",
                status="sent",
                created_at=datetime(2025, 12, 3, 14, 0, tzinfo=timezone.utc),
            )
        )
        session.commit()
    client = _client(notify_app, "kora")
    assert ">03.12.2025 15:00<" in client.get("/notify/").get_data(as_text=True)  # Europe/Berlin
    identity.set_language(people["kora"]["id"], "en")
    assert ">3 Dec 2025, 15:00<" in client.get("/notify/").get_data(as_text=True)


def test_each_entry_is_one_link_with_subject_and_recipient(notify_app, two_people_notified, deliveries):
    page = _client(notify_app, "kora").get("/notify/").get_data(as_text=True)
    entries = re.findall(r'<li class="status-sent"><a href="/notify/deliveries/(\d+)">(.*?)</a></li>', page, re.S)
    assert sorted(int(i) for i, _ in entries) == sorted(r["id"] for r in deliveries())
    otto = next(body for _, body in entries if "otto@example.org" in body)
    assert '<span class="subject">Buchung bestätigt: Skatrunde Nord</span>' in otto
    assert 'E-Mail an <span class="recipient">otto@example.org</span>' in otto
