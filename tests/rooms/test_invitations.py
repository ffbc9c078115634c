"""A room invited to an event (rooms.book_for_invitation, RFC 6638 implicit scheduling; or by
email, iMIP): each date judged on its own under the web form's rules, the free ones booked into
one ordinary booking, the answer told date by date (ACCEPTED, TENTATIVE while the owner decides,
DECLINED with why); the booking follows later invitations date by date, and every later change
of it, by the owner, on the web, through the API or a cancel link, answers again."""

from __future__ import annotations

import json
from datetime import date, timedelta, timezone
from urllib.parse import urlsplit

import icalendar
import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from shared import contracts
from shared.db import make_engine, make_session_factory, transaction
from shared.identity.store import Principal
from shared.messaging import publish
from shared.migrate import upgrade

from services.accounts.admin import accounts as account_admin, partners as partner_admin
from services.rooms import MIGRATIONS
from services.rooms.booking import for_invitation
from services.rooms.booking.rules import add_closure
from services.rooms.db import account_data
from services.rooms.db.models import Booking, OutboxMessage, Room
from services.rooms.request_context import context_of

from tests.support.rooms import at, book_one, csrf_token, next_week, plain_ctx, run
from tests.support.workers import wait_until

UID = "teamsitzung-1@example.org"
ANSWER, REPLY = "calendar.room_invitation_answer", "notify.itip_reply"
FIRST = next_week() + timedelta(days=7)


def _date(day: date, hh: int, hours: int = 2, key: str | None = None) -> dict:
    """One date of an invitation; its key is its own start in UTC (an instance's RECURRENCE-ID)."""
    starts = at(day, hh)
    return {
        "key": starts.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ") if key is None else key,
        "starts_at": starts,
        "ends_at": at(day, hh + hours),
    }


def _weekly(n: int, hh: int = 10) -> list[dict]:
    return [_date(FIRST + timedelta(weeks=w), hh) for w in range(n)]


def _message(
    people,
    room_id: int,
    dates: list[dict],
    *,
    sequence: int = 1,
    who: str = "otto",
    uid: str = UID,
    title="Teamsitzung",
) -> dict:
    return contracts.build(
        "rooms.book_for_invitation",
        invitation_uid=uid,
        room_id=room_id,
        sequence=sequence,
        account_id=people[who]["id"],
        partner_id=people[who]["partner_id"],
        title=title,
        description="Monatliche Runde der Ehrenamtlichen",
        dates=dates,
    )


@pytest.fixture
def invite(rooms_app, people):
    """The use case as the task and the mail-in run it: one unit of work."""

    def send(room_id: int, dates: list[dict], **kw) -> for_invitation.InvitationAnswer:
        options = {k: kw.pop(k) for k in ("via", "organizer", "event_sequence") if k in kw}
        message = contracts.load("rooms.book_for_invitation", _message(people, room_id, dates, **kw))
        with rooms_app.app_context():
            return run(rooms_app.extensions["db"], for_invitation.invite, message, context_of(rooms_app), **options)

    return send


def _queued(rooms_app, task_name: str) -> list[dict]:
    with rooms_app.extensions["db"]() as s:
        rows = s.scalars(
            select(OutboxMessage.payload).where(OutboxMessage.task_name == task_name).order_by(OutboxMessage.id)
        )
        return [json.loads(p) for p in rows]


def _partstats(answer) -> dict[str, tuple[str, str]]:
    """key -> (PARTSTAT, reason) of an answer (the use case's or a queued message's)."""
    dates = answer.dates if hasattr(answer, "dates") else answer["dates"]
    return {
        (d.key if hasattr(d, "key") else d["key"]): (
            d.partstat if hasattr(d, "partstat") else d["partstat"],
            d.reason if hasattr(d, "reason") else d["reason"],
        )
        for d in dates
    }


def _booking(rooms_app, uid: str = UID) -> dict:
    with rooms_app.extensions["db"]() as s:
        (b,) = s.scalars(select(Booking).where(Booking.invitation_uid == uid)).all()
        return {
            "id": b.id,
            "status": b.status,
            "sequence": b.sequence,
            "title": b.title,
            "dates": [(o.id, o.starts_at, o.state, o.cancel_reason) for o in b.occurrences],
        }


def _lena_books(rooms_app, people, room_id: int, day: date, hh: int) -> None:
    lena = rooms_app.extensions["identity"].principal(people["lena"]["id"])
    book_one(rooms_app.extensions["db"], lena, room_id, at(day, hh), at(day, hh + 2), "Elterncafé")


def test_a_free_one_off_date_is_accepted_and_booked_as_an_ordinary_booking(rooms_app, rooms, people, invite, web):
    (only,) = dates = [_date(FIRST, 10, key="")]
    answer = invite(rooms["kueche"], dates)
    assert (answer.state, _partstats(answer)) == ("booked", {"": ("ACCEPTED", "")})
    booking = _booking(rooms_app)
    assert booking["status"] == "confirmed" and [d[2] for d in booking["dates"]] == ["valid"]
    assert booking["dates"][0][1] == only["starts_at"]

    (queued,) = _queued(rooms_app, ANSWER)
    assert (queued["invitation_uid"], queued["room_id"], queued["sequence"], queued["booking_sequence"]) == (
        UID,
        rooms["kueche"],
        1,
        booking["sequence"],
    )
    assert (queued["state"], queued["booking_id"], _partstats(queued)) == (
        "booked",
        booking["id"],
        {"": ("ACCEPTED", "")},
    )
    # an ordinary booking: the room's calendar hears of it, the booker gets the usual notice
    (changed,) = _queued(rooms_app, "calendar.booking_changed")
    assert changed["booking_id"] == booking["id"]
    notices = _queued(rooms_app, "notify.booking_notice")
    assert [(n["kind"], n["recipient"]["account_id"]) for n in notices] == [("confirmed", people["otto"]["id"])]
    assert notices[0]["in_own_calendar"]  # the event in Otto's calendar is his entry: no second one
    mine = web("otto").get("/rooms/bookings").get_data(as_text=True)
    assert "Teamsitzung" in mine and f"/rooms/bookings/{booking['id']}" in mine


def test_a_taken_date_is_declined_and_with_nothing_free_the_invitation_refused(rooms_app, rooms, people, invite):
    _lena_books(rooms_app, people, rooms["kueche"], FIRST, 10)
    dates = [_date(FIRST, 10, key="")]
    answer = invite(rooms["kueche"], dates)
    assert (answer.state, answer.reason, answer.booking_id) == ("refused", "taken", None)
    assert _partstats(answer) == {"": ("DECLINED", "taken")}
    (queued,) = _queued(rooms_app, ANSWER)
    assert (queued["state"], queued["reason"], _partstats(queued)) == ("refused", "taken", {"": ("DECLINED", "taken")})
    with rooms_app.extensions["db"]() as s:
        assert s.scalars(select(Booking).where(Booking.invitation_uid == UID)).all() == []


def test_a_weekly_event_books_its_free_dates_and_declines_the_taken_ones_by_key(rooms_app, rooms, people, invite):
    dates = _weekly(10)
    for n in (3, 7):
        _lena_books(rooms_app, people, rooms["kueche"], FIRST + timedelta(weeks=n), 11)
    answer = invite(rooms["kueche"], dates)
    expected = {d["key"]: ("ACCEPTED", "") for d in dates}
    expected |= {dates[n]["key"]: ("DECLINED", "taken") for n in (3, 7)}
    assert answer.state == "booked" and _partstats(answer) == expected
    booking = _booking(rooms_app)
    assert [d[2] for d in booking["dates"]] == ["valid"] * 8
    assert {d[1] for d in booking["dates"]} == {d["starts_at"] for n, d in enumerate(dates) if n not in (3, 7)}
    assert _partstats(_queued(rooms_app, ANSWER)[-1]) == expected


def test_a_date_against_the_rooms_rules_is_declined_with_its_rule(rooms_app, rooms, people, invite):
    lena = rooms_app.extensions["identity"].principal(people["lena"]["id"])
    closed_day = FIRST + timedelta(weeks=1)
    run(
        rooms_app.extensions["db"],
        add_closure,
        lena,
        rooms["kueche"],
        {"first_day": closed_day, "last_day": closed_day},
    )
    dates = _weekly(2)
    answer = invite(rooms["kueche"], dates)
    assert _partstats(answer) == {dates[0]["key"]: ("ACCEPTED", ""), dates[1]["key"]: ("DECLINED", "closed")}


def test_in_a_room_that_needs_approval_the_answer_is_tentative_until_the_owner_approves(
    rooms_app, approval_room, people, invite, api_auth
):
    dates = _weekly(2)
    answer = invite(approval_room, dates)
    assert answer.state == "booked" and set(_partstats(answer).values()) == {("TENTATIVE", "")}
    assert _booking(rooms_app)["status"] == "requested"

    approved = rooms_app.test_client().post(
        f"/api/rooms/bookings/{answer.booking_id}/approve", headers=api_auth("lena"), json={}
    )
    assert approved.status_code == 200, approved.json
    first, again = _queued(rooms_app, ANSWER)
    assert set(_partstats(again).values()) == {("ACCEPTED", "")}
    assert again["booking_sequence"] > first["booking_sequence"] and again["sequence"] == first["sequence"] == 1


def test_the_owner_declining_makes_the_dates_declined(rooms_app, approval_room, people, invite, api_auth):
    answer = invite(approval_room, _weekly(1))
    declined = rooms_app.test_client().post(
        f"/api/rooms/bookings/{answer.booking_id}/decline", headers=api_auth("lena"), json={"comment": "Belegt"}
    )
    assert declined.status_code == 200, declined.json
    last = _queued(rooms_app, ANSWER)[-1]
    assert (last["state"], set(_partstats(last).values())) == ("refused", {("DECLINED", "declined")})


def _post(client, url, **data):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_a_date_cancelled_on_the_web_or_by_its_link_is_answered_declined_and_put_back_accepted(
    rooms_app, rooms, people, invite, web
):
    dates = _weekly(3)
    invite(rooms["kueche"], dates)
    booking = _booking(rooms_app)
    ids = [d[0] for d in booking["dates"]]
    otto = web("otto")

    assert _post(otto, f"/rooms/bookings/{booking['id']}/cancel/{ids[1]}", scope="occurrence").status_code == 302
    after_web = _queued(rooms_app, ANSWER)[-1]
    assert _partstats(after_web)[dates[1]["key"]] == ("DECLINED", "cancelled")
    assert _partstats(after_web)[dates[0]["key"]] == ("ACCEPTED", "")
    assert after_web["booking_sequence"] == booking["sequence"] + 1

    page = otto.get(f"/rooms/bookings/{booking['id']}").get_data(as_text=True)
    put_back = otto.post(f"/rooms/bookings/{booking['id']}/restore/{ids[1]}", data={"csrf_token": csrf_token(page)})
    assert put_back.status_code == 302
    assert _partstats(_queued(rooms_app, ANSWER)[-1])[dates[1]["key"]] == ("ACCEPTED", "")

    # the one-click link of the booker's notice cancels the third date: answered again too
    notices = _queued(rooms_app, "notify.booking_notice")
    notice = [n for n in notices if n["recipient"]["account_id"] == people["otto"]["id"]][-1]
    url = next(o["cancel_url"] for o in notice["occurrences"] if o["id"] == ids[2])
    path = "?".join(filter(None, urlsplit(url)[2:4]))
    anonymous = rooms_app.test_client()
    done = anonymous.post(path, data={"csrf_token": csrf_token(anonymous.get(path).get_data(as_text=True))})
    assert done.status_code == 200
    last = _queued(rooms_app, ANSWER)[-1]
    assert _partstats(last)[dates[2]["key"]] == ("DECLINED", "cancelled")
    assert last["booking_sequence"] == booking["sequence"] + 3


def test_cancelling_the_whole_booking_through_the_api_declines_every_date(rooms_app, rooms, people, invite, api_auth):
    dates = _weekly(2)
    answer = invite(rooms["kueche"], dates)
    first_id = _booking(rooms_app)["dates"][0][0]
    cancelled = rooms_app.test_client().post(
        f"/api/rooms/bookings/{answer.booking_id}/cancel",
        headers=api_auth("otto"),
        json={"scope": "series", "occurrence_id": first_id},
    )
    assert cancelled.status_code == 200, cancelled.json
    last = _queued(rooms_app, ANSWER)[-1]
    assert (last["state"], set(_partstats(last).values())) == ("refused", {("DECLINED", "cancelled")})


def test_a_moved_date_gives_its_old_time_back_and_books_the_new_one_where_free(rooms_app, rooms, people, invite):
    dates = _weekly(3)
    first = invite(rooms["kueche"], dates)
    moved = [
        dates[0],
        {**dates[1], "starts_at": at(FIRST + timedelta(weeks=1), 15), "ends_at": at(FIRST + timedelta(weeks=1), 17)},
        dates[2],
    ]
    again = invite(rooms["kueche"], moved, sequence=2, title="Teamsitzung (neu)")
    assert (again.state, again.booking_id) == ("booked", first.booking_id)
    assert set(_partstats(again).values()) == {("ACCEPTED", "")}
    booking = _booking(rooms_app)
    states = {start: (state, why) for _, start, state, why in booking["dates"]}
    assert states[dates[1]["starts_at"]] == ("cancelled", for_invitation.CHANGED)
    assert states[moved[1]["starts_at"]] == ("valid", "")
    assert booking["title"] == "Teamsitzung (neu)"

    # moved again, onto a time Lena has taken: declined, and its old time given back
    _lena_books(rooms_app, people, rooms["kueche"], FIRST + timedelta(weeks=2), 15)
    taken = [
        dates[0],
        moved[1],
        {**dates[2], "starts_at": at(FIRST + timedelta(weeks=2), 15), "ends_at": at(FIRST + timedelta(weeks=2), 17)},
    ]
    third = invite(rooms["kueche"], taken, sequence=3)
    assert _partstats(third)[dates[2]["key"]] == ("DECLINED", "taken")
    assert _partstats(third)[dates[0]["key"]] == ("ACCEPTED", "")
    states = {start: state for _, start, state, _ in _booking(rooms_app)["dates"]}
    assert states[dates[2]["starts_at"]] == "cancelled"
    sent = _queued(rooms_app, ANSWER)
    assert [m["sequence"] for m in sent] == [1, 2, 3]  # one answer per invitation, not one per step


def test_an_invitation_without_dates_releases_the_booking(rooms_app, rooms, people, invite):
    answer = invite(rooms["kueche"], _weekly(3))
    released = invite(rooms["kueche"], [], sequence=2)
    assert (released.state, released.booking_id) == ("released", answer.booking_id)
    booking = _booking(rooms_app)
    assert booking["status"] == "cancelled"
    assert {why for *_, why in booking["dates"]} == {for_invitation.RELEASED}
    last = _queued(rooms_app, ANSWER)[-1]
    assert (last["state"], last["dates"], last["sequence"]) == ("released", [], 2)

    # the room invited again: the same booking takes its dates back
    again = invite(rooms["kueche"], _weekly(2), sequence=3)
    assert (again.state, again.booking_id) == ("booked", answer.booking_id)
    assert set(_partstats(again).values()) == {("ACCEPTED", "")}
    assert _booking(rooms_app)["status"] == "confirmed"


def test_dates_the_owner_declined_stay_declined_when_the_event_changes(
    rooms_app, approval_room, people, invite, api_auth
):
    dates = _weekly(2)
    answer = invite(approval_room, dates)
    declined = rooms_app.test_client().post(
        f"/api/rooms/bookings/{answer.booking_id}/decline", headers=api_auth("lena"), json={}
    )
    assert declined.status_code == 200, declined.json
    requests_before = [n for n in _queued(rooms_app, "notify.booking_notice") if n["kind"] == "requested"]
    renamed = invite(approval_room, dates, sequence=2, title="Teamsitzung, neuer Titel")
    assert (renamed.booking_id, set(_partstats(renamed).values())) == (answer.booking_id, {("DECLINED", "declined")})
    assert [n for n in _queued(rooms_app, "notify.booking_notice") if n["kind"] == "requested"] == requests_before


def test_an_older_invitation_changes_nothing(rooms_app, rooms, people, invite):
    invite(rooms["kueche"], _weekly(2), sequence=5)
    before = (_booking(rooms_app), _queued(rooms_app, ANSWER))
    stale = invite(rooms["kueche"], [], sequence=4)
    assert stale.state == "stale"
    assert (_booking(rooms_app), _queued(rooms_app, ANSWER)) == before


def test_an_older_invitation_arriving_after_a_refused_newer_one_books_nothing(rooms_app, rooms, people, invite):
    """Redelivered out of order: the newer invitation found its date taken (so no booking holds
    its sequence), then the older one comes, whose date was free. It must not book."""
    _lena_books(rooms_app, people, rooms["kueche"], FIRST, 10)
    before = _queued(rooms_app, "calendar.booking_changed")
    newer = invite(rooms["kueche"], [_date(FIRST, 10, key="")], sequence=2)
    assert (newer.state, newer.reason) == ("refused", "taken")
    older = invite(rooms["kueche"], [_date(FIRST + timedelta(days=1), 10, key="")], sequence=1)
    assert older.state == "stale"
    assert _queued(rooms_app, "calendar.booking_changed") == before  # no booking made


def test_a_deactivated_account_or_another_partner_is_refused(rooms_app, rooms, people, invite):
    invite(rooms["kueche"], _weekly(1))
    # lena (the room's owner, not the booker) invites the room to the same event: not hers to change
    other = invite(rooms["kueche"], _weekly(2), sequence=2, who="lena")
    assert (other.state, other.reason) == ("refused", "not_allowed")
    assert len(_booking(rooms_app)["dates"]) == 1

    identity = rooms_app.extensions["identity"]
    office = identity.principal(people["kora"]["id"])
    account_admin.set_active(sessionmaker(bind=identity.engine), office, people["otto"]["id"], False)
    closed = invite(rooms["club"], _weekly(1), uid="andere@example.org")
    assert (closed.state, closed.reason) == ("refused", "no_booker")
    assert set(_partstats(closed).values()) == {("DECLINED", "no_booker")}


def test_dates_that_have_begun_are_not_answered(rooms_app, rooms, people, invite):
    yesterday = date.today() - timedelta(days=1)
    dates = [_date(yesterday, 10), *_weekly(1)]
    answer = invite(rooms["kueche"], dates)
    assert list(_partstats(answer)) == [dates[1]["key"]]


def _task_payload(people, room_id, dates, **kw) -> dict:
    return _message(people, room_id, dates, **kw)


def test_the_task_answers_once_however_often_the_invitation_comes(rooms_app, rooms, people):
    payload = _task_payload(people, rooms["kueche"], _weekly(2))
    task = rooms_app.extensions["celery"].tasks["rooms.book_for_invitation"]  # what the rooms worker runs
    with rooms_app.app_context():
        assert task.apply(kwargs=payload).get() == "booked"
        assert task.apply(kwargs=payload).get() == "duplicate"
    assert len(_queued(rooms_app, ANSWER)) == 1


def test_an_email_invitation_is_answered_with_an_itip_reply_once(rooms_app, rooms, people, invite):
    dates = _weekly(4)
    _lena_books(rooms_app, people, rooms["kueche"], FIRST + timedelta(weeks=2), 10)
    options = dict(via="imip", organizer="mailto:Otto@Example.org", event_sequence=3)
    answer = invite(rooms["kueche"], dates, **options)
    assert answer.state == "booked" and _queued(rooms_app, ANSWER) == []
    (reply,) = _queued(rooms_app, REPLY)
    assert (reply["to"], reply["partstat"], reply["summary"]) == ("Otto@Example.org", "MIXED", "Teamsitzung")
    assert reply["account_id"] == people["otto"]["id"]  # the organizer's data, for their export and erasure
    assert reply["room_address"] == f"raum-{rooms['kueche']}@{rooms_app.config['SETTINGS'].room_mail_domain}"
    parsed = icalendar.Calendar.from_ical(reply["ics"])
    assert str(parsed["METHOD"]) == "REPLY"
    master, *instances = parsed.walk("VEVENT")
    assert str(master["UID"]) == UID and int(master["SEQUENCE"]) == 3 and "RECURRENCE-ID" not in master
    assert master["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED" and master["ATTENDEE"].params["CN"] == "Küche"
    assert str(master["ORGANIZER"]) == "mailto:Otto@Example.org"
    (instance,) = instances
    assert instance["RECURRENCE-ID"].dt == dates[2]["starts_at"].astimezone(timezone.utc)
    assert instance["ATTENDEE"].params["PARTSTAT"] == "DECLINED"

    # the same invitation again (a copy): stale, no second reply
    assert invite(rooms["kueche"], dates, **options).state == "stale"
    assert len(_queued(rooms_app, REPLY)) == 1


def test_an_email_invitations_booking_approved_later_is_replied_to_again(
    rooms_app, approval_room, people, invite, api_auth
):
    answer = invite(approval_room, _weekly(2), via="imip", organizer="otto@example.org", event_sequence=0)
    (first,) = _queued(rooms_app, REPLY)
    assert first["partstat"] == "TENTATIVE"
    approved = rooms_app.test_client().post(
        f"/api/rooms/bookings/{answer.booking_id}/approve", headers=api_auth("lena"), json={}
    )
    assert approved.status_code == 200
    first, second = _queued(rooms_app, REPLY)
    assert second["partstat"] == "ACCEPTED" and second["reply_id"] != first["reply_id"]


def test_a_room_of_a_deactivated_partner_takes_no_new_dates_and_keeps_its_booked_ones(rooms_app, rooms, people, invite):
    dates = _weekly(3)
    invite(rooms["kueche"], dates[:2])
    identity = rooms_app.extensions["identity"]
    office = identity.principal(people["kora"]["id"])
    factory = sessionmaker(bind=identity.engine)
    partner_admin.set_active(factory, office, people["lena"]["partner_id"], False)
    longer = invite(rooms["kueche"], dates, sequence=2)
    assert _partstats(longer) == {
        dates[0]["key"]: ("ACCEPTED", ""),
        dates[1]["key"]: ("ACCEPTED", ""),
        dates[2]["key"]: ("DECLINED", "partner_inactive"),
    }
    refused = invite(rooms["saal"], dates, uid="noch-eins@example.org")
    assert (refused.state, refused.reason) == ("refused", "partner_inactive")
    partner_admin.set_active(factory, office, people["lena"]["partner_id"], True)


def test_the_rooms_worker_books_an_invitation_sent_on_its_queue(rooms_app, rooms, people, workers):
    payload = _message(people, rooms["kueche"], _weekly(2))
    publish(rooms_app.extensions["celery"], "rooms.book_for_invitation", payload, "rooms")
    wait_until(lambda: _queued(rooms_app, ANSWER), what="the room's answer")
    assert [d[2] for d in _booking(rooms_app)["dates"]] == ["valid", "valid"]


def test_a_date_moved_on_the_web_is_no_longer_the_invited_time(rooms_app, rooms, people, invite, api_auth):
    dates = _weekly(2)
    answer = invite(rooms["kueche"], dates)
    first_id = _booking(rooms_app)["dates"][0][0]
    day = FIRST
    moved = rooms_app.test_client().post(
        f"/api/rooms/bookings/{answer.booking_id}/change",
        headers=api_auth("otto"),
        json={
            "scope": "occurrence",
            "occurrence_id": first_id,
            "starts_at": at(day, 14).isoformat(),
            "ends_at": at(day, 16).isoformat(),
        },
    )
    assert moved.status_code == 200, moved.json
    last = _queued(rooms_app, ANSWER)[-1]
    assert _partstats(last) == {dates[0]["key"]: ("DECLINED", "moved"), dates[1]["key"]: ("ACCEPTED", "")}


def test_an_invitation_is_booked_and_followed_on_sqlite_as_make_run_keeps_it(tmp_path):
    url = f"sqlite:///{tmp_path}/rooms.db"
    upgrade(MIGRATIONS, url)  # the migration chain, the invitation's columns included
    engine = make_engine(url)
    factory = make_session_factory(engine)
    otto = Principal(7, "otto", "Otto", "otto@example.org", "", "de", "staff", 2, "AWO Nord", "Nord")
    with transaction(factory) as s:
        room = Room(partner_id=1, name="Küche", district="Lobeda", capacity=12, equipment=[], step_free=True)
        s.add(room)
        s.flush()
        room_id = room.id
    dates = _weekly(3)

    def invite(sequence: int, chosen: list[dict]) -> for_invitation.InvitationAnswer:
        message = {
            "invitation_uid": UID,
            "room_id": room_id,
            "sequence": sequence,
            "account_id": 7,
            "partner_id": 2,
            "title": "Teamsitzung",
            "description": "",
            "dates": chosen,
        }
        ctx = plain_ctx([otto])
        return run(factory, for_invitation.invite, message, ctx, via="imip", organizer="otto@example.org")

    first = invite(1, dates)
    assert first.state == "booked" and len(first.dates) == 3
    shorter = invite(2, dates[:2])
    assert (shorter.booking_id, [d.partstat for d in shorter.dates]) == (first.booking_id, ["ACCEPTED"] * 2)
    with factory() as s:
        replies = s.scalars(select(OutboxMessage.payload).where(OutboxMessage.task_name == REPLY)).all()
    assert len(replies) == 2
    engine.dispose()


def test_erasing_the_account_forgets_the_organizers_address(rooms_app, rooms, people, invite):
    answer = invite(rooms["kueche"], _weekly(1), via="imip", organizer="otto@example.org")
    with transaction(rooms_app.extensions["db"]) as s:
        account_data.erase(s, people["otto"]["id"], [])
    with rooms_app.extensions["db"]() as s:
        booking = s.get(Booking, answer.booking_id)
        assert (booking.booker_erased, booking.invitation_organizer) == (True, None)
