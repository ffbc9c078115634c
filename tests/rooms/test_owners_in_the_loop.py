"""Owners in the loop (issue 11): a booking says what it is for, the room's owner sees every
booking in its rooms (who, what, when, contact), decides a series date by date with a comment
each, hears of changes and cancellations, and a cancellation carries its reason to both sides.
Through the JSON API and the web pages on PostgreSQL; every notice is read back from the outbox
and checked against its contract."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from lxml import html as lhtml
from sqlalchemy import select

from shared import contracts

from services.rooms.db.models import AuditEntry, Booking, Occurrence, OutboxMessage

from tests.support.rooms import at, csrf_token, next_week, post_booking_form

ABOUT = "Selbsthilfegruppe pflegender Angehöriger,\netwa 12 Personen."


class Api:
    def __init__(self, app, api_auth):
        self.client, self.auth = app.test_client(), api_auth

    def post(self, who, path, body=None):
        return self.client.post(f"/api/rooms{path}", headers=self.auth(who), json=body or {})

    def book(self, who, room_id, day, h1=10, h2=12, weeks=1, **extra):
        body = {
            "room_id": room_id,
            "starts_at": at(day, h1).isoformat(),
            "ends_at": at(day, h2).isoformat(),
            "title": "Gesprächskreis",
            **extra,
        }
        if weeks > 1:
            body["recurrence"] = {"freq": "weekly", "count": weeks}
        response = self.post(who, "/bookings", body)
        assert response.status_code == 201, response.json
        return response.json

    def decide(self, who, booking, dates, **body):
        return self.post(who, f"/bookings/{booking['id']}/decide", {"dates": dates, **body})


@pytest.fixture
def api(rooms_app, api_auth):
    return Api(rooms_app, api_auth)


def _notices(app, after: int = 0) -> list[dict]:
    """Every notify.booking_notice queued (after outbox id `after`), loaded through its contract."""
    with app.extensions["db"]() as s:
        rows = s.execute(
            select(OutboxMessage.id, OutboxMessage.payload)
            .where(OutboxMessage.task_name == "notify.booking_notice", OutboxMessage.id > after)
            .order_by(OutboxMessage.id)
        ).all()
    return [contracts.load("notify.booking_notice", json.loads(payload)) for _id, payload in rows]


def _last_outbox_id(app) -> int:
    with app.extensions["db"]() as s:
        return s.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1)) or 0


def _to(notices, name):
    return [n for n in notices if n["recipient"]["name"] == name]


def _occurrences(app, booking_id):
    with app.extensions["db"]() as s:
        return [
            (o.state, o.comment, o.cancel_reason)
            for o in s.scalars(
                select(Occurrence).where(Occurrence.booking_id == booking_id).order_by(Occurrence.starts_at)
            )
        ]


# --- 1. what a booking is for ------------------------------------------------------------------
def test_the_description_is_stored_shown_and_sent_to_the_owner(rooms_app, approval_room, api):
    request = api.book("otto", approval_room, next_week(), description=ABOUT)
    assert request["description"] == ABOUT
    [told] = _notices(rooms_app)
    assert (told["kind"], told["role"], told["recipient"]["name"]) == ("requested", "owner", "Lena")
    assert told["description"] == ABOUT
    assert told["booker"] == {
        "name": "Otto",
        "partner_name": "AWO Begegnungsstätte Nord",
        "email": "otto@example.org",
        "phone": "+49 160 9876543",
    }
    assert told["link"].endswith("/rooms/requests")  # the owner must decide
    assert [o["state"] for o in told["occurrences"]] == ["pending"]
    got = api.client.get(f"/api/rooms/bookings/{request['id']}", headers=api.auth("lena")).json
    assert got["description"] == ABOUT and got["booker"] == told["booker"]
    [queued] = api.client.get("/api/rooms/approvals", headers=api.auth("lena")).json
    assert queued["booker"]["email"] == "otto@example.org" and queued["description"] == ABOUT


def test_the_booking_form_takes_a_description_and_refuses_an_overlong_one(rooms_app, rooms, web):
    otto, day = web("otto"), next_week()
    form = {"date": day.isoformat(), "start": "10:00", "end": "11:00", "title": "Chor", "freq": "once"}
    page = otto.get(f"/rooms/{rooms['club']}").get_data(as_text=True)
    assert 'name="description"' in page and "Worum geht es?" in page
    refused = post_booking_form(otto, rooms["club"], **form, description="x" * 2001, action="book")
    assert refused.status_code == 400
    tree = lhtml.fromstring(refused.get_data(as_text=True))
    assert tree.xpath("//textarea[@id='description'][@aria-invalid='true']")
    assert "höchstens 2000 Zeichen" in refused.get_data(as_text=True)
    done = post_booking_form(otto, rooms["club"], **form, description=ABOUT, action="book")
    assert done.status_code == 302
    with rooms_app.extensions["db"]() as s:
        assert s.scalar(select(Booking.description)) == ABOUT
    shown = otto.get(done.location).get_data(as_text=True)
    assert "Selbsthilfegruppe pflegender Angehöriger,<br>etwa 12 Personen." in shown


def test_the_api_bounds_the_description(rooms_app, rooms, api):
    body = {
        "room_id": rooms["club"],
        "starts_at": at(next_week(), 10).isoformat(),
        "ends_at": at(next_week(), 11).isoformat(),
        "title": "Chor",
    }
    too_long = api.post("otto", "/bookings", {**body, "description": "x" * 2001})
    assert too_long.status_code == 422 and "description" in too_long.json["errors"]
    control = api.post("otto", "/bookings", {**body, "description": "a\x00b"})
    assert control.status_code == 422 and "description" in control.json["errors"]
    with rooms_app.extensions["db"]() as s:
        assert s.scalar(select(Booking.id)) is None


# --- 2. the owner sees every booking in its rooms ----------------------------------------------
def test_the_owner_sees_who_what_and_contact_on_its_room_page_others_see_belegt(
    rooms_app, approval_room, api, web, identity, people
):
    day = next_week()
    booked = api.book("otto", approval_room, day, description=ABOUT)
    api.post("lena", f"/bookings/{booked['id']}/approve")
    waiting = api.book("otto", approval_room, day + timedelta(days=1), title="Spieleabend")
    identity.create_partner("drk-west", "DRK Kreisverband West", "West")
    identity.create_account(
        "dora", "Dora", partner_slug="drk-west", email="dora@example.org", password=people["lena"]["password"]
    )

    owner = web("lena").get(f"/rooms/{approval_room}").get_data(as_text=True)
    assert "Gesprächskreis" in owner and "Angehöriger" in owner
    assert "Otto" in owner and "mailto:otto@example.org" in owner and "+49 160 9876543" in owner
    assert f"/rooms/bookings/{booked['id']}" in owner
    assert "Spieleabend" in owner and "wartet auf Freigabe" in owner  # requests too, marked
    assert web("lena").get(f"/rooms/bookings/{booked['id']}").status_code == 200
    assert web("lena").get(f"/rooms/bookings/{waiting['id']}").status_code == 200

    coordination = web("kora").get(f"/rooms/{approval_room}").get_data(as_text=True)
    assert "Gesprächskreis" in coordination and "otto@example.org" in coordination

    third = web("dora").get(f"/rooms/{approval_room}").get_data(as_text=True)
    assert "<td>belegt<br>AWO Begegnungsstätte Nord</td>" in third
    for private in ("Gesprächskreis", "Angehöriger", "otto@example.org", "9876543", "Spieleabend"):
        assert private not in third
    assert web("dora").get(f"/rooms/bookings/{booked['id']}").status_code == 404

    booker = web("otto").get(f"/rooms/{approval_room}").get_data(as_text=True)
    assert "Gesprächskreis" in booker and "Spieleabend" not in booker  # its own booking; requests stay off the list


# --- 3. the owner hears of changes and cancellations --------------------------------------------
def test_a_change_by_the_booker_tells_the_owner_with_the_old_and_new_time(rooms_app, rooms, api):
    day = next_week()
    booking = api.book("otto", rooms["saal"], day, 10, 12, weeks=2)  # no approval needed
    first = booking["occurrences"][0]
    mark = _last_outbox_id(rooms_app)
    moved = api.post(
        "otto",
        f"/bookings/{booking['id']}/change",
        {
            "scope": "occurrence",
            "occurrence_id": first["id"],
            "starts_at": at(day, 14).isoformat(),
            "ends_at": at(day, 16).isoformat(),
        },
    )
    assert moved.status_code == 200, moved.json
    told = _notices(rooms_app, mark)
    [owner] = _to(told, "Lena")
    [booker] = _to(told, "Otto")
    assert (owner["kind"], owner["role"], booker["kind"], booker["role"]) == ("changed", "owner", "changed", "booker")
    assert owner["link"].endswith(f"/rooms/bookings/{booking['id']}")
    changed, unchanged = owner["occurrences"]
    assert (changed["was_starts_at"], changed["was_ends_at"]) == (at(day, 10), at(day, 12))
    assert (changed["starts_at"], changed["ends_at"]) == (at(day, 14), at(day, 16))
    assert unchanged["was_starts_at"] is None
    assert "cancel_url" not in owner["occurrences"][0] or not owner["occurrences"][0]["cancel_url"]
    assert booker["occurrences"][0]["cancel_url"]  # the booker's own dates keep their cancel link


def test_a_change_in_a_room_that_needs_approval_goes_back_to_the_owner(rooms_app, approval_room, api):
    day = next_week()
    booking = api.book("otto", approval_room, day, 10, 12)
    assert api.post("lena", f"/bookings/{booking['id']}/approve").json["status"] == "confirmed"
    mark = _last_outbox_id(rooms_app)
    oid = booking["occurrences"][0]["id"]
    moved = api.post(
        "otto",
        f"/bookings/{booking['id']}/change",
        {
            "scope": "occurrence",
            "occurrence_id": oid,
            "starts_at": at(day, 15).isoformat(),
            "ends_at": at(day, 17).isoformat(),
        },
    )
    assert moved.status_code == 200, moved.json
    assert moved.json["status"] == "requested" and [o["state"] for o in moved.json["occurrences"]] == ["pending"]
    told = _notices(rooms_app, mark)
    [owner] = _to(told, "Lena")
    assert (owner["kind"], owner["role"]) == ("requested", "owner")
    assert owner["link"].endswith("/rooms/requests")
    [date] = owner["occurrences"]
    assert (date["state"], date["was_starts_at"], date["starts_at"]) == ("pending", at(day, 10), at(day, 15))
    assert [n["kind"] for n in _to(told, "Otto")] == ["changed"]
    queue = api.client.get("/api/rooms/approvals", headers=api.auth("lena")).json
    assert [b["id"] for b in queue] == [booking["id"]]


def test_a_cancellation_by_the_booker_tells_the_owner_with_the_reason(rooms_app, rooms, api):
    booking = api.book("otto", rooms["saal"], next_week(), weeks=2)
    mark = _last_outbox_id(rooms_app)
    done = api.post(
        "otto", f"/bookings/{booking['id']}/cancel", {"scope": "series", "reason": "fällt aus wegen Grippe"}
    )
    assert done.status_code == 200, done.json
    assert [o["cancel_reason"] for o in done.json["occurrences"]] == ["fällt aus wegen Grippe"] * 2
    told = _notices(rooms_app, mark)
    assert sorted((n["recipient"]["name"], n["kind"], n["role"]) for n in told) == [
        ("Lena", "cancelled", "owner"),
        ("Otto", "cancelled", "booker"),
    ]
    assert {n["reason"] for n in told} == {"fällt aus wegen Grippe"}
    assert all(o["state"] == "cancelled" for n in told for o in n["occurrences"])
    with rooms_app.extensions["db"]() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "booking_cancelled")).one()
        assert entry.details["reason"] == "fällt aus wegen Grippe"


def test_a_cancellation_by_the_owner_tells_the_booker_only(rooms_app, rooms, api):
    booking = api.book("otto", rooms["saal"], next_week(), weeks=2)
    mark = _last_outbox_id(rooms_app)
    first = booking["occurrences"][0]["id"]
    done = api.post(
        "lena",
        f"/bookings/{booking['id']}/cancel",
        {"scope": "occurrence", "occurrence_id": first, "reason": "Wasserschaden im Saal"},
    )
    assert done.status_code == 200, done.json
    [told] = _notices(rooms_app, mark)
    assert (told["recipient"]["name"], told["kind"], told["role"]) == ("Otto", "changed", "booker")
    assert told["reason"] == "Wasserschaden im Saal"
    assert [o["state"] for o in told["occurrences"]] == ["cancelled", "valid"]


def test_the_api_bounds_the_cancel_reason(rooms_app, rooms, api):
    booking = api.book("otto", rooms["saal"], next_week())
    refused = api.post("otto", f"/bookings/{booking['id']}/cancel", {"scope": "series", "reason": "x" * 501})
    assert refused.status_code == 422 and "reason" in refused.json["errors"]
    assert _occurrences(rooms_app, booking["id"]) == [("valid", "", "")]


# --- 4. approving or declining part of a series --------------------------------------------------
def test_the_owner_approves_part_of_a_series_with_a_comment_per_date(rooms_app, approval_room, api):
    request = api.book("otto", approval_room, next_week(), weeks=3, description=ABOUT)
    ids = [o["id"] for o in request["occurrences"]]
    mark = _last_outbox_id(rooms_app)
    decided = api.decide(
        "lena",
        request,
        [
            {"occurrence_id": ids[0], "decision": "approve"},
            {"occurrence_id": ids[1], "decision": "decline", "comment": "Da ist Elternabend."},
            {"occurrence_id": ids[2], "decision": "approve", "comment": "Gern!"},
        ],
        comment="Zwei von drei Terminen gehen.",
        sequence=request["sequence"],
    )
    assert decided.status_code == 200, decided.json
    assert decided.json["status"] == "confirmed" and decided.json["comment"] == "Zwei von drei Terminen gehen."
    assert _occurrences(rooms_app, request["id"]) == [
        ("valid", "", ""),
        ("declined", "Da ist Elternabend.", ""),
        ("valid", "Gern!", ""),
    ]
    [told] = _notices(rooms_app, mark)  # one answer for the whole request
    assert (told["recipient"]["name"], told["kind"], told["role"]) == ("Otto", "approved", "booker")
    assert told["comment"] == "Zwei von drei Terminen gehen." and told["description"] == ABOUT
    assert [(o["state"], o["comment"]) for o in told["occurrences"]] == [
        ("valid", ""),
        ("declined", "Da ist Elternabend."),
        ("valid", "Gern!"),
    ]
    with rooms_app.extensions["db"]() as s:
        assert s.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)) == "booking_decided"


def test_declining_every_date_one_by_one_is_a_decline(rooms_app, approval_room, api):
    request = api.book("otto", approval_room, next_week(), weeks=2)
    mark = _last_outbox_id(rooms_app)
    decided = api.decide(
        "lena", request, [{"occurrence_id": o["id"], "decision": "decline"} for o in request["occurrences"]]
    )
    assert decided.status_code == 200 and decided.json["status"] == "declined"
    [told] = _notices(rooms_app, mark)
    assert told["kind"] == "declined" and {o["state"] for o in told["occurrences"]} == {"declined"}


def test_a_partial_decision_must_name_every_waiting_date_once(rooms_app, approval_room, api):
    request = api.book("otto", approval_room, next_week(), weeks=2)
    ids = [o["id"] for o in request["occurrences"]]
    half = api.decide("lena", request, [{"occurrence_id": ids[0], "decision": "approve"}])
    assert half.status_code == 422 and "jeden wartenden Termin" in half.json["message"]
    twice = api.decide(
        "lena",
        request,
        [{"occurrence_id": ids[0], "decision": "approve"}, {"occurrence_id": ids[0], "decision": "decline"}],
    )
    assert twice.status_code == 422
    strange = api.decide(
        "lena",
        request,
        [{"occurrence_id": ids[0], "decision": "vielleicht"}, {"occurrence_id": ids[1], "decision": "approve"}],
    )
    assert strange.status_code == 422
    other = api.decide(
        "lena",
        request,
        [{"occurrence_id": i, "decision": "approve"} for i in ids] + [{"occurrence_id": 999999, "decision": "approve"}],
    )
    assert other.status_code == 422
    long_note = api.decide(
        "lena", request, [{"occurrence_id": i, "decision": "approve", "comment": "x" * 1001} for i in ids]
    )
    assert long_note.status_code == 422
    assert api.decide("otto", request, [{"occurrence_id": i, "decision": "approve"} for i in ids]).status_code == 403
    assert _occurrences(rooms_app, request["id"]) == [("pending", "", "")] * 2


def test_approved_dates_are_checked_again_and_the_sequence_is_kept(rooms_app, approval_room, api):
    day = next_week()
    request = api.book("otto", approval_room, day, 10, 12, weeks=2)
    ids = [o["id"] for o in request["occurrences"]]
    api.book("lena", approval_room, day, 11, 13)  # the owner's own booking takes the first date
    both = [{"occurrence_id": i, "decision": "approve"} for i in ids]
    clash = api.decide("lena", request, both)
    assert clash.status_code == 409, clash.json
    assert _occurrences(rooms_app, request["id"]) == [("pending", "", "")] * 2
    stale = api.decide(
        "lena",
        request,
        [{"occurrence_id": ids[0], "decision": "decline"}, {"occurrence_id": ids[1], "decision": "approve"}],
        sequence=request["sequence"] + 1,
    )
    assert stale.status_code == 409 and stale.json["sequence"] == request["sequence"]
    done = api.decide(
        "lena",
        request,
        [
            {"occurrence_id": ids[0], "decision": "decline", "comment": "Da sind wir selbst drin."},
            {"occurrence_id": ids[1], "decision": "approve"},
        ],
        sequence=request["sequence"],
    )
    assert done.status_code == 200, done.json
    assert [o["state"] for o in done.json["occurrences"]] == ["declined", "valid"]


def test_the_requests_page_decides_date_by_date(rooms_app, approval_room, api, web):
    request = api.book("otto", approval_room, next_week(), weeks=3, description=ABOUT)
    ids = [o["id"] for o in request["occurrences"]]
    lena = web("lena")
    page = lena.get("/rooms/requests").get_data(as_text=True)
    tree = lhtml.fromstring(page)
    for i in ids:
        assert tree.xpath(f"//input[@type='radio'][@name='date-{i}'][@value='approve'][@checked]")
        assert tree.xpath(f"//input[@type='radio'][@name='date-{i}'][@value='decline']")
        assert tree.xpath(f"//label[@for='note-{i}']") and tree.xpath(f"//textarea[@name='note-{i}']")
    assert "Alle freigeben" in page and "Alle ablehnen" in page
    assert "mailto:otto@example.org" in page and "Angehöriger" in page
    token = csrf_token(page)
    long_note = lena.post(
        f"/rooms/requests/{request['id']}/decide",
        data={"csrf_token": token, "sequence": str(request["sequence"]), f"note-{ids[0]}": "x" * 1001},
    )
    assert long_note.status_code == 400 and "Höchstens 1000 Zeichen" in long_note.get_data(as_text=True)
    done = lena.post(
        f"/rooms/requests/{request['id']}/decide",
        data={
            "csrf_token": token,
            "sequence": str(request["sequence"]),
            f"date-{ids[1]}": "decline",
            f"note-{ids[1]}": "Da ist der Saal vermietet.",
            "comment": "Bis bald",
        },
    )
    assert done.status_code == 302, done.get_data(as_text=True)
    assert _occurrences(rooms_app, request["id"]) == [
        ("valid", "", ""),
        ("declined", "Da ist der Saal vermietet.", ""),
        ("valid", "", ""),
    ]
    shown = web("otto").get(f"/rooms/bookings/{request['id']}").get_data(as_text=True)
    assert "Da ist der Saal vermietet." in shown and "Bis bald" in shown


# --- 5. a reason when cancelling, on the pages ----------------------------------------------------
def test_the_cancel_page_takes_a_reason_and_the_booking_page_shows_it(rooms_app, rooms, api, web):
    booking = api.book("otto", rooms["saal"], next_week(), weeks=2)
    first = booking["occurrences"][0]["id"]
    otto = web("otto")
    url = f"/rooms/bookings/{booking['id']}/cancel/{first}"
    page = otto.get(url).get_data(as_text=True)
    assert 'name="reason"' in page
    too_long = otto.post(url, data={"csrf_token": csrf_token(page), "scope": "occurrence", "reason": "x" * 501})
    assert too_long.status_code == 400 and "höchstens 500 Zeichen" in too_long.get_data(as_text=True)
    done = otto.post(
        url, data={"csrf_token": csrf_token(page), "scope": "occurrence", "reason": "fällt aus wegen Umzug"}
    )
    assert done.status_code == 302
    assert _occurrences(rooms_app, booking["id"]) == [("cancelled", "", "fällt aus wegen Umzug"), ("valid", "", "")]
    assert "fällt aus wegen Umzug" in web("lena").get(f"/rooms/bookings/{booking['id']}").get_data(as_text=True)


def test_the_cancel_link_takes_a_reason(rooms_app, rooms, api):
    booking = api.book("otto", rooms["club"], next_week(), weeks=2)
    [told] = _notices(rooms_app)
    path = "/" + told["occurrences"][1]["cancel_url"].split("/", 3)[3]
    anonymous = rooms_app.test_client()
    page = anonymous.get(path)
    assert page.status_code == 200 and 'name="reason"' in page.get_data(as_text=True)
    token = csrf_token(page.get_data(as_text=True))
    refused = anonymous.post(path, data={"csrf_token": token, "reason": "x" * 501})
    assert refused.status_code == 400
    assert _occurrences(rooms_app, booking["id"]) == [("valid", "", "")] * 2
    mark = _last_outbox_id(rooms_app)
    done = anonymous.post(path, data={"csrf_token": token, "reason": "Chorleiterin krank"})
    assert "ist abgesagt" in done.get_data(as_text=True)
    assert _occurrences(rooms_app, booking["id"]) == [("valid", "", ""), ("cancelled", "", "Chorleiterin krank")]
    assert {n["reason"] for n in _notices(rooms_app, mark)} == {"Chorleiterin krank"}
