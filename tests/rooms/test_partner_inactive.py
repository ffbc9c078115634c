"""A partner the coordination office deactivates (identity's Partner.active, through the
accounts service's own use case) offers no rooms: booking its rooms is refused with words (web
form, API), the free-room search and the room list leave them out, existing bookings stay; once
the partner is active again, its rooms are bookable again. And a retired room can be offered
again by its owner's side, audited and announced to the calendar."""

from __future__ import annotations

import json

from lxml import html as lhtml
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from shared import contracts

from services.accounts.admin import partners as partner_admin
from services.rooms.db.models import AuditEntry, Booking, OutboxMessage, Room

from tests.support.rooms import at, book_one, csrf_token, next_week


def _set_partner_active(identity, people, username: str, active: bool) -> None:
    office = identity.principal(people["kora"]["id"])
    partner_admin.set_active(sessionmaker(bind=identity.engine), office, people[username]["partner_id"], active)


def _book_form(client, room_id: int, day, start: str, end: str) -> dict:
    token = csrf_token(client.get(f"/rooms/{room_id}").get_data(as_text=True))
    return {
        "csrf_token": token,
        "date": day.isoformat(),
        "start": start,
        "end": end,
        "title": "Chor",
        "freq": "once",
        "action": "book",
    }


def _api_booking(rooms_app, api_auth, room_id: int, day, hour: int):
    return rooms_app.test_client().post(
        "/api/rooms/bookings",
        headers=api_auth("otto"),
        json={
            "room_id": room_id,
            "starts_at": at(day, hour).isoformat(),
            "ends_at": at(day, hour + 1).isoformat(),
            "title": "Chor",
        },
    )


def _free_api(rooms_app, api_auth, day) -> list[str]:
    window = {"starts_at": at(day, 15).isoformat(), "ends_at": at(day, 16).isoformat()}
    listed = rooms_app.test_client().get("/api/rooms/free", headers=api_auth("otto"), query_string=window)
    assert listed.status_code == 200, listed.json
    return [r["name"] for r in listed.json]


def _free_web(client, day) -> list[str]:
    found = client.get("/rooms/", query_string={"day": day.isoformat(), "start": "15:00", "end": "16:00"})
    assert found.status_code == 200
    return lhtml.fromstring(found.get_data(as_text=True)).xpath("//ol[@class='results']//h3//text()")


def _bookings_of(rooms_app, room_id: int) -> int:
    with rooms_app.extensions["db"]() as s:
        return len(s.scalars(select(Booking.id).where(Booking.room_id == room_id)).all())


def test_a_deactivated_partners_rooms_are_refused_and_hidden_until_it_is_active_again(
    rooms_app, rooms, web, people, identity, api_auth
):
    saal, day = rooms["saal"], next_week()
    otto_principal = identity.principal(people["otto"]["id"])
    kept = book_one(rooms_app.extensions["db"], otto_principal, saal, at(day, 10), at(day, 11), "Seniorentanz")
    otto = web("otto")
    assert "Großer Saal" in _free_api(rooms_app, api_auth, day)
    assert "Großer Saal" in _free_web(otto, day)

    _set_partner_active(identity, people, "lena", False)

    refused = otto.post(f"/rooms/{saal}", data=_book_form(otto, saal, day, "15:00", "16:00"))
    assert refused.status_code == 409
    tree = lhtml.fromstring(refused.get_data(as_text=True))
    said = tree.xpath("string(//*[@data-code='partner_inactive'])")
    assert "nicht aktiv" in said and "Bestehende Buchungen bleiben" in said
    api = _api_booking(rooms_app, api_auth, saal, day, 15)
    assert api.status_code == 409 and "nicht aktiv" in api.json["message"], api.json
    assert _bookings_of(rooms_app, saal) == 1  # the existing booking stays, no new one

    assert not {"Großer Saal", "Küche"} & set(_free_api(rooms_app, api_auth, day))
    assert "Clubraum" in _free_api(rooms_app, api_auth, day)  # other partners' rooms are still offered
    web_found = _free_web(otto, day)
    assert "Clubraum" in web_found and "Großer Saal" not in web_found
    listed = rooms_app.test_client().get("/api/rooms/rooms", headers=api_auth("otto")).json
    assert {r["name"] for r in listed} == {"Clubraum"}
    page = otto.get(f"/rooms/bookings/{kept.id}")
    assert page.status_code == 200  # still readable

    _set_partner_active(identity, people, "lena", True)

    assert "Großer Saal" in _free_api(rooms_app, api_auth, day)
    booked = otto.post(f"/rooms/{saal}", data=_book_form(otto, saal, day, "15:00", "16:00"))
    assert booked.status_code == 302, booked.get_data(as_text=True)
    assert _api_booking(rooms_app, api_auth, saal, day, 17).status_code == 201
    assert _bookings_of(rooms_app, saal) == 3


def _room_messages(rooms_app, room_id: int) -> list[dict]:
    with rooms_app.extensions["db"]() as s:
        rows = s.scalars(
            select(OutboxMessage).where(OutboxMessage.task_name == "calendar.room_changed").order_by(OutboxMessage.id)
        )
        loaded = [contracts.load(r.task_name, json.loads(r.payload)) for r in rows]
    return [m for m in loaded if m["room_id"] == room_id]


def _room(rooms_app, room_id: int) -> Room:
    with rooms_app.extensions["db"]() as s:
        found = s.get(Room, room_id)
        assert found is not None
        return found


def test_a_retired_room_is_offered_again_by_its_owner(rooms_app, rooms, web, api_auth):
    kueche, lena, day = rooms["kueche"], web("lena"), next_week()
    edit = f"/rooms/{kueche}/edit"
    token = csrf_token(lena.get(f"/rooms/{kueche}/retire").get_data(as_text=True))
    assert lena.post(f"/rooms/{kueche}/retire", data={"csrf_token": token}).status_code == 302
    assert not _room(rooms_app, kueche).active

    page = lena.get(edit).get_data(as_text=True)
    assert "Küche wieder anbieten</button>" in page
    assert lena.post(f"/rooms/{kueche}/reoffer", data={}).status_code == 400  # no CSRF token
    otto = web("otto")
    own_token = csrf_token(otto.get(f"/rooms/{rooms['club']}/edit").get_data(as_text=True))
    assert otto.post(f"/rooms/{kueche}/reoffer", data={"csrf_token": own_token}).status_code == 403
    assert not _room(rooms_app, kueche).active

    done = lena.post(f"/rooms/{kueche}/reoffer", data={"csrf_token": csrf_token(page)})
    assert done.status_code == 302
    assert "wieder angeboten" in lena.get(done.headers["Location"]).get_data(as_text=True)
    room = _room(rooms_app, kueche)
    assert room.active and room.revision == 2
    with rooms_app.extensions["db"]() as s:
        changes = s.scalars(
            select(AuditEntry).where(AuditEntry.room_id == kueche, AuditEntry.action == "room_changed")
        ).all()
    assert [c.details["changes"]["active"] for c in changes] == [[True, False], [False, True]]
    assert [m["active"] for m in _room_messages(rooms_app, kueche)][-2:] == [False, True]

    assert "Küche" in _free_api(rooms_app, api_auth, day)
    assert _api_booking(rooms_app, api_auth, kueche, day, 15).status_code == 201
