"""DSGVO end to end, with real Celery workers on PostgreSQL and Redis: an account with a booking,
deliveries, preferences and a reminder plan is exported (every service's part, JSON and a
readable page, only for the person and the office, gone after 7 days), then erased by the
office: its booking stays as "ehemaliges Konto", no column of any service's tables still holds
its address or number, it cannot log in, and a message delivered twice changes nothing."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
import requests
from sqlalchemy import select, text

from shared import contracts
from shared.clock import utcnow
from shared.identity.models import Account, AccountsOutbox, AppPassword, DataPart, DataRequest, WebSession
from shared.messaging import publish

from services.accounts.privacy import answers
from services.notify import preferences as notify_preferences
from services.notify.domain.preferences import Preferences
from services.notify.models import Delivery, Preference, ReminderPlan
from services.rooms.db.models import Booking

from tests.support import infra
from tests.support.infra import REDIS_URL
from tests.support.live import LiveServer
from tests.support.login import PASSWORD
from tests.support.workers import drain, wait_until

pytestmark = pytest.mark.e2e
OTTO_EMAIL, OTTO_PHONE = "otto@example.org", "+49 160 9876543"


def _csrf(html: str) -> str:
    return re.search(r'name="(?:[a-z]+-)?csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _login(base: str, username: str, password: str = PASSWORD) -> requests.Session:
    browser = requests.Session()
    browser.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
    page = browser.get(f"{base}/account/login")
    browser.post(
        f"{base}/account/login", data={"csrf_token": _csrf(page.text), "username": username, "password": password}
    )
    return browser


def _post(browser: requests.Session, base: str, page: str, action: str, **data) -> requests.Response:
    token = _csrf(browser.get(f"{base}{page}").text)
    return browser.post(f"{base}{action}", data={"csrf_token": token, **data})


def _book(otto, base, room_id: int) -> None:
    page = otto.get(f"{base}/rooms/{room_id}")
    booked = otto.post(
        f"{base}/rooms/{room_id}",
        data={
            "csrf_token": _csrf(page.text),
            "date": (date.today() + timedelta(days=9)).isoformat(),
            "start": "15:00",
            "end": "16:00",
            "title": "Skatrunde der AWO",
            "description": "Karten bringt Otto mit",
        },
    )
    assert "/rooms/bookings/" in booked.url, booked.text


def _mentions(database: str, *needles: str) -> list[str]:
    """Every text-like column of every table (but Alembic's) in `database` that holds a needle."""
    conn = infra._connection(database)
    columns = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
        " AND table_name <> 'alembic_version' AND data_type IN ('text', 'character varying', 'json', 'jsonb')"
    ).fetchall()
    found = []
    for table, column in columns:
        for needle in needles:
            hit = conn.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}"::text LIKE %s LIMIT 1', (f"%{needle}%",)
            ).fetchone()
            if hit:
                found.append(f"{database}.{table}.{column}: {needle}")
    return found


def _export_document(browser, base: str, path: str) -> dict:
    def ready():
        page = browser.get(f"{base}{path}")
        return page.status_code == 200 and "Als Datei herunterladen" in page.text

    wait_until(ready, what="the export to be ready")
    data = browser.get(f"{base}{path}/data.json")
    assert data.status_code == 200 and data.headers["Content-Type"].startswith("application/json")
    assert "attachment" in data.headers["Content-Disposition"]
    return json.loads(data.text)


def test_an_account_is_exported_then_erased_and_its_booking_stays(
    frontdoor, workers, lobeda_room, people, smtp_sink, apps
):
    identity_db, rooms_db, notify_db = (apps[s].extensions["db"] for s in ("accounts", "rooms", "notify"))
    with notify_db() as s, s.begin():
        notify_preferences.save(s, people["otto"]["id"], Preferences(choices={"confirmed": "email"}, lead_minutes=120))
    with LiveServer(frontdoor) as live:
        base = live.url
        otto = _login(base, "otto")
        _book(otto, base, lobeda_room)
        wait_until(lambda: smtp_sink.messages, what="the booking's confirmation")
        with notify_db() as s:
            wait_until(lambda: s.scalar(select(ReminderPlan.booking_id)), what="otto's reminder plan")

        # Otto asks for his data on /account/
        asked = _post(otto, base, "/account/", "/account/privacy/export")
        path = asked.url.removeprefix(base)
        assert re.fullmatch(r"/account/privacy/exports/\d+", path), asked.url
        document = _export_document(otto, base, path)
        parts = document["parts"]
        assert set(parts) == {"accounts", "rooms", "notify", "calendar"} and document["missing"] == []
        account = parts["accounts"]["sections"]["account"][0]
        assert (account["email"], account["phone"], account["name"]) == (OTTO_EMAIL, OTTO_PHONE, "Otto")
        assert any("Firefox" in s["user_agent"] for s in parts["accounts"]["sections"]["sessions"])
        assert [p["label"] for p in parts["accounts"]["sections"]["app_passwords"]] == ["test"]
        (booking,) = parts["rooms"]["sections"]["bookings"]
        assert booking["title"] == "Skatrunde der AWO" and booking["room"] == "Großer Saal"
        assert booking["description"] == "Karten bringt Otto mit" and len(booking["dates"]) == 1
        assert [a["action"] for a in parts["rooms"]["sections"]["audit"]] == ["booking_created"]
        notify = parts["notify"]["sections"]
        assert {d["recipient"] for d in notify["deliveries"]} >= {OTTO_EMAIL}
        assert notify["preferences"][0]["reminder_minutes"] == 120
        assert notify["reminders"][0]["title"] == "Skatrunde der AWO"
        assert parts["calendar"]["sections"] == {
            "offering_rooms": [],
            "room_invitations": [],
            "invited_people": [],
            "schedule_inbox": [],
            "calendar_sources": [],
        }
        assert parts["rooms"]["sections"]["mailed_invitations"] == []
        whole = json.dumps(document)
        assert "$argon2" not in whole and "token_hash" not in whole and "secret" not in whole

        readable = otto.get(f"{base}{path}/readable")
        assert readable.status_code == 200
        assert "Ihre Buchungen" in readable.text and "Skatrunde der AWO" in readable.text
        assert "Nachrichten an Sie" in readable.text and OTTO_EMAIL in readable.text

        # the mail "Ihre Daten sind bereit" with the export's page
        mail = wait_until(
            lambda: [m for m in smtp_sink.messages if m["Subject"] == "Ihre Daten sind bereit"], what="the export mail"
        )[0]
        assert path in mail.get_body(preferencelist=("plain",)).get_content()

        # only Otto and the office: a colleague and a stranger see nothing
        assert _login(base, "lena").get(f"{base}{path}/data.json").status_code == 404
        assert requests.get(f"{base}{path}/data.json", allow_redirects=False).status_code in (302, 303)
        office = _login(base, "kora")
        assert office.get(f"{base}{path}/data.json").json()["parts"]["rooms"] == parts["rooms"]

        # after 7 days the beat deletes it; the record stays
        assert answers.delete_expired(identity_db, now=utcnow() + timedelta(days=7, minutes=1)) == 1
        gone = otto.get(f"{base}{path}")
        assert gone.status_code == 410 and "abgelaufen" in gone.text
        assert otto.get(f"{base}{path}/data.json", allow_redirects=False).status_code == 303
        with identity_db() as s:
            assert s.scalars(select(DataPart)).all() == []
            assert s.scalar(select(DataRequest.deleted_at)) is not None

        # the office erases Otto's account, after the confirmation
        assert _mentions("notify", OTTO_EMAIL) and _mentions("rooms", "Otto")  # (what the erasure must find)
        otto_id = people["otto"]["id"]
        confirm = f"/account/privacy/accounts/{otto_id}/erase"
        page = office.get(f"{base}{confirm}")
        assert page.status_code == 200 and "Konto von Otto löschen" in page.text and "otto" in page.text
        unconfirmed = _post(office, base, confirm, confirm)
        assert unconfirmed.status_code == 400 and "wirklich löschen" in unconfirmed.text
        erased = _post(office, base, confirm, confirm, understood="y")
        assert erased.status_code == 200 and erased.url.endswith(f"/account/privacy/accounts/{otto_id}")
        with identity_db() as s:
            sent = [
                (r.task_name, json.loads(r.payload))
                for r in s.scalars(select(AccountsOutbox).where(AccountsOutbox.task_name.like("%.erase_account")))
            ]
        assert len(sent) == 3

        def complete():
            return "Die Löschung ist vollständig" in office.get(f"{base}/account/privacy/accounts/{otto_id}").text

        wait_until(complete, what="every service's confirmation")

        # login impossible, on the web and with the app password
        again = _login(base, "otto")
        assert again.get(f"{base}/account/", allow_redirects=False).status_code in (302, 303)
        assert otto.get(f"{base}/account/", allow_redirects=False).status_code in (302, 303)  # the old session ended
        dav = requests.request("PROPFIND", f"{base}/dav/", auth=("otto", people["otto"]["app_password"]))
        assert dav.status_code == 401

        # the booking stays, shown as "ehemaliges Konto" to the room's owner
        with rooms_db() as s:
            row = s.scalar(select(Booking))
            assert row.booker_erased and row.description == "" and row.title == "Skatrunde der AWO"
        lena = _login(base, "lena")
        assert "ehemaliges Konto" in lena.get(f"{base}/rooms/bookings/{row.id}").text
        assert "ehemaliges Konto" in lena.get(f"{base}/rooms/{lobeda_room}").text
        feed = requests.get(f"{base}/feeds/rooms/{lobeda_room}.ics")
        assert feed.status_code == 200 and f"UID:{row.uid}" in feed.text.replace("\r\n ", "")

    drain(REDIS_URL, queues=("calendar", "rooms", "notify", "accounts"))
    with identity_db() as s:
        account = s.get(Account, otto_id)
        assert (account.display_name, account.email, account.phone, account.password_hash) == (
            "Ehemaliges Konto",
            "",
            "",
            "",
        )
        assert account.username.startswith("ehemalig-") and not account.active
        assert s.scalars(select(WebSession).where(WebSession.account_id == otto_id)).all() == []
        assert s.scalars(select(AppPassword).where(AppPassword.account_id == otto_id)).all() == []
    with notify_db() as s:
        assert s.get(Preference, otto_id) is None
        assert s.scalars(select(ReminderPlan)).all() == []
        assert all(d.recipient == "" for d in s.scalars(select(Delivery).where(Delivery.account_id == otto_id)))

    # confirmed messages that named him go; then nothing in any column of any service holds him
    def forgotten():
        answers.forget_erase_messages(identity_db)
        return not any(_mentions(db, OTTO_EMAIL, "9876543", "Otto") for db in infra.DATABASES)

    wait_until(forgotten, what="no trace of Otto")
    assert [m for db in infra.DATABASES for m in _mentions(db, OTTO_EMAIL, "9876543", "Otto")] == []

    # a message delivered twice changes nothing
    with identity_db() as s:
        before = [(r.service, r.content) for r in s.scalars(select(DataPart).order_by(DataPart.service))]
    celery = apps["accounts"].extensions["celery"]
    for task_name, payload in sent:
        publish(celery, task_name, payload, contracts.queue_of(task_name))
    drain(REDIS_URL, queues=("calendar", "rooms", "notify", "accounts"))
    with identity_db() as s:
        assert [(r.service, r.content) for r in s.scalars(select(DataPart).order_by(DataPart.service))] == before
        assert s.scalar(select(text("count(*)")).select_from(DataRequest)) == 2
    with rooms_db() as s:
        assert s.scalar(select(Booking)).booker_erased
