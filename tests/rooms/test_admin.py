"""Room administration through the pages, on PostgreSQL: the office offers a room for a partner
with a photo, the owner edits and retires it; every change is audited (old -> new) and
announced to the calendar in the same commit; a retired room takes no bookings, through the
form and the API alike; photos are re-encoded (no EXIF) and served for a year."""

from __future__ import annotations

import io
import json

from lxml import html as lhtml
from sqlalchemy import select

from shared import contracts

from services.rooms.db.models import AuditEntry, Occurrence, OutboxMessage, Room, RoomImage, RoomPhoto

from tests.support.pictures import CAMERA, camera_jpeg, has_exif, png
from tests.support.rooms import at, book_one, count, csrf_token, next_week

ROOM = {
    "name": "Werkstatt",
    "capacity": "12",
    "district": "Winzerla",
    "address": "Oßmaritzer Straße 12, 07745 Jena",
    "floor": "1. Obergeschoss",
    "equipment": ["werkbank", "tische"],
    "equipment_other": "Nähmaschine",
    "lift": "y",
    "hearing_loop": "y",
    "description": "Hell, mit großen Fenstern.",
    "house_rules": "Schlüssel im Büro abholen.\nWerkzeug zurück an die Wand.",
}


def _token(client, url="/rooms/new") -> str:
    return csrf_token(client.get(url).get_data(as_text=True))


def _offer(client, **fields):
    data = {"csrf_token": _token(client, "/rooms/new"), **ROOM, **fields}
    return client.post("/rooms/new", data=data, content_type="multipart/form-data")


def _room(app, name="Werkstatt") -> Room:
    with app.extensions["db"]() as s:
        room = s.scalars(select(Room).where(Room.name == name)).one()
        room.photos  # noqa: B018 (loaded before the session closes)
        return room


def _audit(app, room_id, action):
    with app.extensions["db"]() as s:
        return list(
            s.scalars(
                select(AuditEntry)
                .where(AuditEntry.room_id == room_id, AuditEntry.action == action)
                .order_by(AuditEntry.id)
            )
        )


def _room_messages(app, room_id):
    with app.extensions["db"]() as s:
        rows = s.scalars(
            select(OutboxMessage).where(OutboxMessage.task_name == "calendar.room_changed").order_by(OutboxMessage.id)
        )
        loaded = [contracts.load(r.task_name, json.loads(r.payload)) for r in rows]
    return [m for m in loaded if m["room_id"] == room_id]


def test_the_office_offers_a_room_for_a_partner_with_a_photo(rooms_app, people, web):
    kora = web("kora")
    lena_partner = people["lena"]["partner_id"]
    picture = (io.BytesIO(camera_jpeg()), "kamera.jpg")
    response = _offer(kora, partner=str(lena_partner), picture=picture, alt="Werkbänke vor einer Fensterfront")
    assert response.status_code == 302, response.get_data(as_text=True)
    room = _room(rooms_app)
    assert (room.partner_id, room.capacity, room.district, room.floor) == (
        lena_partner,
        12,
        "Winzerla",
        "1. Obergeschoss",
    )
    assert (room.step_free, room.lift, room.accessible_toilet, room.hearing_loop) == (False, True, False, True)
    assert room.equipment == ["werkbank", "tische"] and room.equipment_other == "Nähmaschine"
    assert room.house_rules.splitlines() == ["Schlüssel im Büro abholen.", "Werkzeug zurück an die Wand."]
    assert [p.alt for p in room.photos] == ["Werkbänke vor einer Fensterfront"]

    created = _audit(rooms_app, room.id, "room_created")
    assert len(created) == 1 and created[0].account_id == people["kora"]["id"]
    assert created[0].details["values"]["name"] == "Werkstatt"
    assert len(_audit(rooms_app, room.id, "photo_added")) == 1
    message = _room_messages(rooms_app, room.id)[-1]
    assert (message["name"], message["floor"], message["address"], message["active"]) == (
        "Werkstatt",
        "1. Obergeschoss",
        ROOM["address"],
        True,
    )

    # the photo: re-encoded without the camera's data, at its content's address, kept for a year
    url = f"/rooms/photos/{room.photos[0].digest}.jpg"
    served = kora.get(url)
    assert served.status_code == 200 and served.content_type == "image/jpeg"
    assert "immutable" in served.headers["Cache-Control"] and "max-age=31536000" in served.headers["Cache-Control"]
    assert not has_exif(served.data) and CAMERA.encode() not in served.data
    assert kora.get(url, headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    assert kora.get("/rooms/photos/" + "0" * 64 + ".jpg").status_code == 404
    assert kora.get("/rooms/photos/nicht-da.jpg").status_code == 404

    # where bookers meet it: the room page and the list
    page = web("otto").get(f"/rooms/{room.id}").get_data(as_text=True)
    tree = lhtml.fromstring(page)
    assert tree.xpath(f"//img[@src='{url}']/@alt") == ["Werkbänke vor einer Fensterfront"]
    for text in (
        "1. Obergeschoss",
        "Aufzug",
        "Höranlage (Induktionsschleife)",
        "Werkzeug zurück an die Wand.",
        "Nähmaschine",
    ):
        assert text in page
    assert "Werkstatt" in web("otto").get("/rooms/").get_data(as_text=True)


def test_staff_offer_rooms_of_their_own_partner_only(rooms_app, people, web):
    otto = web("otto")
    page = otto.get("/rooms/new").get_data(as_text=True)
    assert 'id="partner"' not in page and "AWO Begegnungsstätte Nord" in page
    assert _offer(otto, partner=str(people["lena"]["partner_id"])).status_code == 302  # a tampered choice
    assert _room(rooms_app).partner_id == people["otto"]["partner_id"]


def test_bad_input_is_400_at_the_field_and_nothing_is_written(rooms_app, people, web):
    kora = web("kora")
    response = _offer(kora, partner="", name="", district="Mars", capacity="viele")
    assert response.status_code == 400
    tree = lhtml.fromstring(response.get_data(as_text=True))
    assert tree.xpath("//*[@autofocus]/@id")  # the page opens at its first error
    for field in ("name", "capacity", "district"):
        assert tree.xpath(f"//span[@id='{field}-error']"), field
    response = _offer(kora, partner="")
    assert response.status_code == 400 and "Bitte wählen Sie einen Partner aus der Liste." in response.get_data(
        as_text=True
    )
    assert count(rooms_app, Room) == 0 and count(rooms_app, AuditEntry) == 0


def test_a_file_that_is_no_picture_is_refused_at_its_field(rooms_app, rooms, web):
    lena = web("lena")
    url = f"/rooms/{rooms['saal']}/edit"
    data = {
        "csrf_token": _token(lena, url),
        "photo-picture": (io.BytesIO(b"%PDF-1.4 kein Bild"), "plan.jpg"),
        "photo-alt": "Plan",
    }
    response = lena.post(f"/rooms/{rooms['saal']}/photos", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    tree = lhtml.fromstring(response.get_data(as_text=True))
    assert "Das ist kein Bild" in tree.xpath("string(//span[@id='photo-picture-error'])")
    assert tree.xpath("//input[@id='photo-picture']/@autofocus")
    data = {"csrf_token": _token(lena, url), "photo-picture": (io.BytesIO(png()), "plan.png"), "photo-alt": " "}
    response = lena.post(f"/rooms/{rooms['saal']}/photos", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "Bitte beschreiben Sie kurz" in response.get_data(as_text=True)
    assert count(rooms_app, RoomPhoto) == 0 and count(rooms_app, RoomImage) == 0


def test_photos_are_added_described_moved_and_removed_audited(rooms_app, rooms, web):
    lena, room_id = web("lena"), rooms["saal"]
    url = f"/rooms/{room_id}/edit"
    for picture, alt in ((camera_jpeg(), "Bühne"), (png(), "Stuhlkreis")):
        data = {"csrf_token": _token(lena, url), "photo-picture": (io.BytesIO(picture), "f"), "photo-alt": alt}
        assert lena.post(f"/rooms/{room_id}/photos", data=data, content_type="multipart/form-data").status_code == 302
    first, second = (p.id for p in _room(rooms_app, "Großer Saal").photos)

    def act(photo_id, action, **extra):
        data = {"csrf_token": _token(lena, url), "action": action, **extra}
        return lena.post(f"/rooms/{room_id}/photos/{photo_id}", data=data)

    assert act(second, "up").status_code == 302
    assert [p.alt for p in _room(rooms_app, "Großer Saal").photos] == ["Stuhlkreis", "Bühne"]
    assert act(first, "save", **{f"p{first}-alt": "Bühne mit Vorhang"}).status_code == 302
    refused = act(first, "save", **{f"p{first}-alt": ""})
    assert refused.status_code == 400 and f'id="p{first}-alt-error"' in refused.get_data(as_text=True)
    assert act(second, "remove").status_code == 302
    photos = _room(rooms_app, "Großer Saal").photos
    assert [(p.alt, p.position) for p in photos] == [("Bühne mit Vorhang", 0)]
    assert count(rooms_app, RoomImage) == 1  # the removed photo's bytes went with it
    described = _audit(rooms_app, room_id, "photo_described")
    assert described[0].details["alt"] == ["Bühne", "Bühne mit Vorhang"]
    assert len(_audit(rooms_app, room_id, "photo_moved")) == 1 and len(_audit(rooms_app, room_id, "photo_removed")) == 1
    other = web("otto")
    assert act(first, "remove").status_code == 302  # the owner's own
    assert other.get(url).status_code == 403


def test_an_edit_is_audited_old_to_new_and_the_calendar_follows(rooms_app, calendar_app, rooms, web, people):
    lena, room_id = web("lena"), rooms["saal"]
    url = f"/rooms/{room_id}/edit"
    form = lhtml.fromstring(lena.get(url).get_data(as_text=True))
    assert form.xpath("//input[@id='name']/@value") == ["Großer Saal"]
    changed = {
        **ROOM,
        "name": "Saal im Erdgeschoss",
        "address": "Karl-Marx-Allee 30",
        "floor": "Erdgeschoss",
        "capacity": "80",
    }
    response = lena.post(url, data={"csrf_token": _token(lena, url), **changed})
    assert response.status_code == 302
    entry = _audit(rooms_app, room_id, "room_changed")[-1]
    assert entry.account_id == people["lena"]["id"]
    assert entry.details["changes"]["name"] == ["Großer Saal", "Saal im Erdgeschoss"]
    assert entry.details["changes"]["address"] == ["Karl-Marx-Allee 28", "Karl-Marx-Allee 30"]
    assert "capacity" not in entry.details["changes"]  # unchanged fields are not listed
    message = _room_messages(rooms_app, room_id)[-1]
    assert (message["name"], message["revision"]) == ("Saal im Erdgeschoss", 1)

    # the calendar's consumer applies it: the room's calendar takes the new name and address
    task = calendar_app.extensions["celery"].tasks["calendar.room_changed"]
    payload = {k: (str(v) if k == "message_id" else v) for k, v in message.items()}
    assert task.apply(kwargs=payload).get() == "applied"
    from shared.db import transaction

    from services.calendar.store.sql import SqlStore

    with transaction(calendar_app.extensions["db"]) as s:
        calendar = SqlStore(s).room_calendar(room_id)
    assert calendar.displayname == "Saal im Erdgeschoss"
    assert "Karl-Marx-Allee 30, Erdgeschoss" in calendar.description

    assert (otto := web("otto")).post(
        url, data={"csrf_token": _token(otto), **changed, "name": "Gekapert"}
    ).status_code == 403
    assert _room(rooms_app, "Saal im Erdgeschoss").revision == 1


def test_a_room_is_retired_only_when_nothing_is_booked_and_then_takes_no_bookings(
    rooms_app, rooms, web, people, identity, api_auth
):
    lena, room_id, day = web("lena"), rooms["saal"], next_week()
    otto_principal = identity.principal(people["otto"]["id"])
    booking = book_one(rooms_app.extensions["db"], otto_principal, room_id, at(day, 10), at(day, 12), "Seniorentanz")
    url = f"/rooms/{room_id}/retire"
    page = lena.get(url).get_data(as_text=True)
    assert "noch an 1 Termin gebucht oder angefragt" in page and "nicht mehr anbieten</button>" not in page
    refused = lena.post(url, data={"csrf_token": _token(lena)})
    assert refused.status_code == 409
    assert lhtml.fromstring(refused.get_data(as_text=True)).xpath("//*[@data-code='room_still_booked']")
    assert _room(rooms_app, "Großer Saal").active

    # the owner cancels first (the booker is told, as always), then the room can go
    with rooms_app.extensions["db"]() as s:
        first = s.scalars(select(Occurrence.id).where(Occurrence.booking_id == booking.id)).first()
    cancelled = rooms_app.test_client().post(
        f"/api/rooms/bookings/{booking.id}/cancel",
        headers=api_auth("lena"),
        json={"occurrence_id": first, "reason": "Raum wird aufgegeben"},
    )
    assert cancelled.status_code == 200, cancelled.json
    assert otto_principal.display_name  # told through notify:
    with rooms_app.extensions["db"]() as s:
        notices = [
            json.loads(r.payload)
            for r in s.scalars(select(OutboxMessage).where(OutboxMessage.task_name == "notify.booking_notice"))
        ]
    assert any(n["kind"] == "cancelled" and n["recipient"]["account_id"] == people["otto"]["id"] for n in notices)
    assert (otto := web("otto")).post(url, data={"csrf_token": _token(otto)}).status_code == 403
    assert lena.post(url, data={"csrf_token": _token(lena)}).status_code == 302
    room = _room(rooms_app, "Großer Saal")
    assert not room.active and room.revision == 1
    assert _audit(rooms_app, room_id, "room_changed")[-1].details["changes"]["active"] == [True, False]
    assert _room_messages(rooms_app, room_id)[-1]["active"] is False

    # no new bookings: the form and the API answer 409 with words, the search no longer lists it
    otto = web("otto")
    form = {
        "csrf_token": _token(otto),
        "date": day.isoformat(),
        "start": "15:00",
        "end": "16:00",
        "title": "Chor",
        "freq": "once",
        "action": "book",
    }
    response = otto.post(f"/rooms/{room_id}", data=form)
    assert response.status_code == 409
    tree = lhtml.fromstring(response.get_data(as_text=True))
    assert tree.xpath("//*[@data-code='room_retired']")
    assert "nicht mehr angeboten" in tree.xpath("string(//*[@data-code='room_retired'])")
    assert not tree.xpath("//button[@id='book-button']")
    api = rooms_app.test_client().post(
        "/api/rooms/bookings",
        headers=api_auth("otto"),
        json={
            "room_id": room_id,
            "starts_at": at(day, 15).isoformat(),
            "ends_at": at(day, 16).isoformat(),
            "title": "Chor",
        },
    )
    assert api.status_code == 409 and "nicht mehr angeboten" in api.json["message"]
    assert "Großer Saal" not in otto.get("/rooms/").get_data(as_text=True)
    assert rooms_app.test_client().get(f"/api/rooms/rooms/{room_id}", headers=api_auth("otto")).status_code == 404
    # its past booking stays readable, with the notice
    page = otto.get(f"/rooms/bookings/{booking.id}").get_data(as_text=True)
    assert "Dieser Raum wird nicht mehr angeboten" in page
    assert "Nicht mehr angeboten" in lena.get("/rooms/mine").get_data(as_text=True)


def test_search_filters_by_accessibility(rooms_app, rooms, web):
    lena = web("lena")
    url = f"/rooms/{rooms['kueche']}/edit"
    kitchen = {
        **ROOM,
        "name": "Küche",
        "district": "Lobeda",
        "address": "Karl-Marx-Allee 28",
        "equipment": ["kueche"],
        "accessible_toilet": "y",
    }
    assert lena.post(url, data={"csrf_token": _token(lena, url), **kitchen}).status_code == 302
    day = next_week()
    query = {"day": day.isoformat(), "start": "10:00", "end": "11:00"}
    found = web("otto").get("/rooms/", query_string={**query, "hearing_loop": "y", "accessible_toilet": "y"})
    tree = lhtml.fromstring(found.get_data(as_text=True))
    assert tree.xpath("//ol[@class='results']//h3//text()") == ["Küche"]
    assert "Höranlage (Induktionsschleife)" in tree.xpath("string(//ol[@class='results'])")
    found = web("otto").get("/rooms/", query_string={**query, "lift": "y"})
    assert lhtml.fromstring(found.get_data(as_text=True)).xpath("//ol[@class='results']//h3//text()") == ["Küche"]
    # the edit above left the kitchen without step-free access (unticked), the Saal has no lift
    found = web("otto").get("/rooms/", query_string={**query, "lift": "y", "step_free": "y"})
    assert lhtml.fromstring(found.get_data(as_text=True)).xpath("//ol[@class='results']//h3//text()") == []
