"""Room approval cannot be side-stepped (issue 9, finding 3): putting a date back and moving a
date are judged like a new booking's dates — the room's rules, no collision, and in a room that
needs approval the owner's yes again, with the owner told as for a new request. Through the JSON
API and the web pages on PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from shared import contracts

from services.rooms.booking.errors import NotAllowed
from services.rooms.db.models import Occurrence, OutboxMessage

from tests.support.rooms import BERLIN, answer_for, at, csrf_token, next_week


@pytest.fixture
def approval_room(rooms_app, rooms, api_auth):
    """Lena's Großer Saal needs approval for other partners, open 08–22 on every day, at most 4 hours."""
    rules = {
        "approval_required": True,
        "max_minutes": 240,
        "opening": {d: ["08:00", "22:00"] for d in ("mo", "di", "mi", "do", "fr", "sa", "so")},
    }
    response = rooms_app.test_client().put(
        f"/api/rooms/rooms/{rooms['saal']}/rules", headers=api_auth("lena"), json=rules
    )
    assert response.status_code == 200, response.json
    return rooms["saal"]


class Api:
    def __init__(self, app, api_auth):
        self.client, self.auth = app.test_client(), api_auth

    def post(self, who, path, body=None):
        return self.client.post(f"/api/rooms{path}", headers=self.auth(who), json=body or {})

    def book(self, who, room_id, day, h1, h2, weeks=1, title="Kurs"):
        body = {
            "room_id": room_id,
            "starts_at": at(day, h1).isoformat(),
            "ends_at": at(day, h2).isoformat(),
            "title": title,
        }
        if weeks > 1:
            body["recurrence"] = {"freq": "weekly", "count": weeks}
        response = self.post(who, "/bookings", body)
        assert response.status_code == 201, response.json
        return response.json

    def cancel(self, who, booking, oid, scope="occurrence"):
        return self.post(who, f"/bookings/{booking['id']}/cancel", {"scope": scope, "occurrence_id": oid})

    def restore(self, who, booking, oid):
        return self.post(who, f"/bookings/{booking['id']}/occurrences/{oid}/restore")

    def change(self, who, booking, oid, starts_at, ends_at, scope="occurrence"):
        return self.post(
            who,
            f"/bookings/{booking['id']}/change",
            {"scope": scope, "occurrence_id": oid, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
        )

    def approve(self, who, booking, **body):
        return self.post(who, f"/bookings/{booking['id']}/approve", body)

    def decline(self, who, booking, **body):
        return self.post(who, f"/bookings/{booking['id']}/decline", body)

    def queue(self, who):
        return [b["id"] for b in self.client.get("/api/rooms/approvals", headers=self.auth(who)).json]


@pytest.fixture
def api(rooms_app, api_auth):
    return Api(rooms_app, api_auth)


def _states(response) -> list[str]:
    return [o["state"] for o in response.json["occurrences"]]


def _notices(app) -> list[tuple[str, str]]:
    """(kind, recipient) of every notify.booking_notice queued so far, each checked against the contract."""
    with app.extensions["db"]() as s:
        rows = s.scalars(
            select(OutboxMessage).where(OutboxMessage.task_name == "notify.booking_notice").order_by(OutboxMessage.id)
        ).all()
    payloads = [json.loads(r.payload) for r in rows]
    for p in payloads:
        contracts.load("notify.booking_notice", p)
    return [(p["kind"], p["recipient"]["name"]) for p in payloads]


def _approved(api, booking):
    response = api.approve("lena", booking)
    assert response.status_code == 200, response.json
    return response.json


# --- putting a date back -------------------------------------------------------------------
def test_a_cancelled_request_put_back_waits_for_the_owner_again(rooms_app, approval_room, api):
    day = next_week()
    request = api.book("otto", approval_room, day, 10, 12)
    oid = request["occurrences"][0]["id"]
    cancelled = api.cancel("otto", request, oid, scope="series")
    assert cancelled.json["status"] == "cancelled"
    restored = api.restore("otto", request, oid)
    assert restored.status_code == 200, restored.json
    assert restored.json["status"] == "requested" and _states(restored) == ["pending"]
    assert api.queue("lena") == [request["id"]]
    assert _notices(rooms_app)[-1] == ("requested", "Lena")  # the owner is told, as for a new request


def test_a_date_put_back_into_an_approved_series_waits_while_the_rest_stays_booked(rooms_app, approval_room, api):
    day = next_week()
    booking = _approved(api, api.book("otto", approval_room, day, 10, 12, weeks=3))
    second = booking["occurrences"][1]["id"]
    assert api.cancel("otto", booking, second).status_code == 200
    restored = api.restore("otto", booking, second)
    assert restored.status_code == 200, restored.json
    assert _states(restored) == ["valid", "pending", "valid"] and restored.json["status"] == "requested"
    assert _notices(rooms_app)[-1] == ("requested", "Lena")
    declined = api.decline("lena", booking, comment="Diesmal nicht.")
    assert declined.status_code == 200, declined.json
    # declining the date put back leaves the approved dates booked
    assert _states(declined) == ["valid", "declined", "valid"] and declined.json["status"] == "confirmed"


def test_the_booker_cannot_put_back_a_date_the_owner_cancelled(rooms_app, rooms, api):
    day = next_week()
    booking = api.book("otto", rooms["saal"], day, 10, 12, weeks=2)  # no approval needed in this room
    first = booking["occurrences"][0]["id"]
    assert api.cancel("lena", booking, first).status_code == 200  # the owner takes the room back
    refused = api.restore("otto", booking, first)
    assert refused.status_code == 403
    assert refused.json["message"] == answer_for(rooms_app, NotAllowed("cancelled_by_owner")).text
    assert api.restore("kora", booking, first).status_code == 200  # the coordination office may
    assert api.cancel("lena", booking, first).status_code == 200
    owner = api.restore("lena", booking, first)  # as may the owner who cancelled it
    assert owner.status_code == 200 and _states(owner) == ["valid", "valid"]


def test_the_owner_cannot_book_again_a_date_the_booker_gave_up(rooms_app, rooms, api):
    booking = api.book("otto", rooms["saal"], next_week(), 10, 12)
    oid = booking["occurrences"][0]["id"]
    assert api.cancel("otto", booking, oid).status_code == 200
    assert api.restore("lena", booking, oid).status_code == 403
    assert api.restore("otto", booking, oid).status_code == 200


def test_putting_back_a_date_follows_the_room_rules_of_today(rooms_app, rooms, api, api_auth):
    day = next_week()
    booking = api.book("otto", rooms["saal"], day, 10, 12, weeks=2)
    second = booking["occurrences"][1]["id"]
    assert api.cancel("otto", booking, second).status_code == 200
    closed = {
        "closures": [
            {
                "first_day": (day + timedelta(weeks=1)).isoformat(),
                "last_day": (day + timedelta(weeks=1)).isoformat(),
                "reason": "Putz",
            }
        ]
    }
    assert (
        api.client.put(f"/api/rooms/rooms/{rooms['saal']}/rules", headers=api_auth("lena"), json=closed).status_code
        == 200
    )
    refused = api.restore("otto", booking, second)
    assert refused.status_code == 409 and "geschlossen" in json.dumps(refused.json["conflicts"], ensure_ascii=False)


def test_a_date_of_a_declined_request_cannot_be_put_back(rooms_app, approval_room, api):
    request = api.book("otto", approval_room, next_week(), 10, 12, weeks=2)
    first = request["occurrences"][0]["id"]
    assert api.cancel("otto", request, first).status_code == 200
    assert api.decline("lena", request).json["status"] == "declined"
    assert api.restore("otto", request, first).status_code == 422
    assert api.queue("lena") == []


# --- moving a date -------------------------------------------------------------------------
@pytest.mark.parametrize("move", ["another_day", "twelve_hours"])
def test_moving_an_approved_date_asks_the_owner_again(rooms_app, rooms, api, api_auth, move):
    client = api.client
    assert (
        client.put(
            f"/api/rooms/rooms/{rooms['saal']}/rules", headers=api_auth("lena"), json={"approval_required": True}
        ).status_code
        == 200
    )  # no length limit: 12 hours are fine
    day = next_week()
    booking = _approved(api, api.book("otto", rooms["saal"], day, 10, 12, weeks=2))
    first = booking["occurrences"][0]["id"]
    starts, ends = (
        (at(day + timedelta(days=1), 10), at(day + timedelta(days=1), 12))
        if move == "another_day"
        else (at(day, 8), at(day, 20))
    )
    moved = api.change("otto", booking, first, starts, ends)
    assert moved.status_code == 200, moved.json
    assert _states(moved) == ["pending", "valid"] and moved.json["status"] == "requested"
    assert api.queue("lena") == [booking["id"]]
    assert _notices(rooms_app)[-1] == ("requested", "Lena")
    # until the owner says yes the new time holds nothing: the owner's own booking can take it
    assert (
        api.book("lena", rooms["saal"], starts.date(), starts.hour, starts.hour + 1, title="Eigen")["status"]
        == "confirmed"
    )


def test_moving_a_date_outside_the_rules_is_refused_and_nothing_changes(rooms_app, approval_room, api):
    day = next_week()
    booking = _approved(api, api.book("otto", approval_room, day, 10, 12))
    oid = booking["occurrences"][0]["id"]
    refused = api.change("otto", booking, oid, at(day, 8), at(day, 20))  # the room takes at most 4 hours
    assert refused.status_code == 409
    assert "Höchstdauer" in json.dumps(refused.json["conflicts"], ensure_ascii=False)
    after = api.client.get(f"/api/rooms/bookings/{booking['id']}", headers=api.auth("otto")).json
    assert after["status"] == "confirmed" and [o["state"] for o in after["occurrences"]] == ["valid"]
    assert after["occurrences"][0]["starts_at"] == booking["occurrences"][0]["starts_at"]


def test_shortening_an_approved_date_keeps_its_approval(rooms_app, approval_room, api):
    day = next_week()
    booking = _approved(api, api.book("otto", approval_room, day, 10, 12))
    shorter = api.change("otto", booking, booking["occurrences"][0]["id"], at(day, 10, 30), at(day, 11, 30))
    assert shorter.status_code == 200 and _states(shorter) == ["valid"] and shorter.json["status"] == "confirmed"
    assert api.queue("lena") == []


def test_the_owners_own_bookings_move_without_asking(rooms_app, approval_room, api):
    day = next_week()
    own = api.book("lena", approval_room, day, 10, 12)
    assert own["status"] == "confirmed"
    moved = api.change("lena", own, own["occurrences"][0]["id"], at(day, 14), at(day, 17))
    assert moved.status_code == 200 and _states(moved) == ["valid"] and moved.json["status"] == "confirmed"


def test_a_series_move_leaves_dates_that_have_begun_alone(rooms_app, rooms, api):
    day = next_week()
    booking = api.book("otto", rooms["club"], day, 10, 12, weeks=3)
    first = booking["occurrences"][0]["id"]
    with rooms_app.extensions["db"]() as s:  # the first date has already taken place
        s.execute(
            update(Occurrence)
            .where(Occurrence.id == first)
            .values(starts_at=at(day - timedelta(weeks=2), 10), ends_at=at(day - timedelta(weeks=2), 12))
        )
        s.commit()
    moved = api.change("otto", booking, first, at(day, 14), at(day, 16), scope="series")
    assert moved.status_code == 200, moved.json
    local = [datetime.fromisoformat(o["starts_at"]).astimezone(BERLIN) for o in moved.json["occurrences"]]
    assert [(t.date(), t.hour) for t in local] == [
        (day - timedelta(weeks=2), 10),
        (day + timedelta(weeks=1), 14),
        (day + timedelta(weeks=2), 14),
    ]


def test_changing_a_waiting_request_keeps_it_waiting_and_tells_the_owner_again(rooms_app, approval_room, api):
    day = next_week()
    request = api.book("otto", approval_room, day, 10, 12)
    seen = request["sequence"]
    moved = api.change("otto", request, request["occurrences"][0]["id"], at(day, 13), at(day, 15))
    assert moved.status_code == 200 and _states(moved) == ["pending"] and moved.json["status"] == "requested"
    assert [k for k, _ in _notices(rooms_app)].count("requested") == 2
    # the owner decided on what it saw before the change: refused, nothing approved
    stale = api.approve("lena", request, sequence=seen)
    assert stale.status_code == 409 and stale.json["sequence"] == moved.json["sequence"]
    assert list(stale.json["errors"]) == ["sequence"]
    assert api.queue("lena") == [request["id"]]
    fresh = api.approve("lena", request, sequence=moved.json["sequence"])
    assert fresh.status_code == 200 and _states(fresh) == ["valid"]


def test_coordination_moving_another_partners_date_asks_the_owner(rooms_app, approval_room, api):
    day = next_week()
    booking = _approved(api, api.book("otto", approval_room, day, 10, 12))
    moved = api.change("kora", booking, booking["occurrences"][0]["id"], at(day, 15), at(day, 17))
    assert moved.status_code == 200 and _states(moved) == ["pending"]


# --- the web pages take the same path ---------------------------------------------------------
def test_web_restore_of_a_cancelled_request_says_it_waits(rooms_app, approval_room, api, web):
    request = api.book("otto", approval_room, next_week(), 10, 12)
    oid = request["occurrences"][0]["id"]
    otto = web("otto")
    page = otto.get(f"/rooms/bookings/{request['id']}/cancel/{oid}").get_data(as_text=True)
    assert (
        otto.post(
            f"/rooms/bookings/{request['id']}/cancel/{oid}",
            data={"csrf_token": csrf_token(page), "scope": "occurrence"},
        ).status_code
        == 302
    )
    page = otto.get(f"/rooms/bookings/{request['id']}").get_data(as_text=True)
    response = otto.post(
        f"/rooms/bookings/{request['id']}/restore/{oid}", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    )
    assert response.status_code == 200 and "erst mit der Freigabe" in response.get_data(as_text=True)
    assert api.queue("lena") == [request["id"]]


def test_web_page_offers_no_restore_of_a_date_the_owner_cancelled(rooms_app, rooms, api, web):
    booking = api.book("otto", rooms["saal"], next_week(), 10, 12)
    oid = booking["occurrences"][0]["id"]
    assert api.cancel("lena", booking, oid).status_code == 200
    otto = web("otto")
    page = otto.get(f"/rooms/bookings/{booking['id']}").get_data(as_text=True)
    assert "Wieder aufnehmen" not in page
    token = csrf_token(otto.get(f"/rooms/{rooms['saal']}").get_data(as_text=True))
    response = otto.post(f"/rooms/bookings/{booking['id']}/restore/{oid}", data={"csrf_token": token})
    assert response.status_code == 403 and "Haus abgesagt" in response.get_data(as_text=True)


def test_web_decision_on_a_request_changed_meanwhile_is_refused(rooms_app, approval_room, api, web):
    day = next_week()
    request = api.book("otto", approval_room, day, 10, 12)
    lena = web("lena")
    queue = lena.get("/rooms/requests").get_data(as_text=True)
    assert f'name="sequence" value="{request["sequence"]}"' in queue
    assert api.change("otto", request, request["occurrences"][0]["id"], at(day, 13), at(day, 15)).status_code == 200
    response = lena.post(
        f"/rooms/requests/{request['id']}/approve",
        data={"csrf_token": csrf_token(queue), "comment": "", "sequence": str(request["sequence"])},
    )
    assert response.status_code == 409 and "inzwischen geändert" in response.get_data(as_text=True)
    assert api.queue("lena") == [request["id"]]
