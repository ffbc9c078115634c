"""Series, preview, approval, change/cancel/re-add, rules and buffers through the JSON API on
PostgreSQL, with the outbox messages checked against the shared contracts."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta, timezone

from sqlalchemy import select, text

from shared import contracts

from services.rooms.db.models import AuditEntry, Occurrence, OutboxMessage

from tests.support.rooms import BERLIN, at, count, next_week


def _series(room_id, day, h1, h2, title="Kurs", **extra):
    return {
        "room_id": room_id,
        "starts_at": at(day, h1).isoformat(),
        "ends_at": at(day, h2).isoformat(),
        "title": title,
        **extra,
    }


def _messages(app, task=None):
    with app.extensions["db"]() as s:
        rows = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    found = [(r.task_name, json.loads(r.payload)) for r in rows if task in (None, r.task_name)]
    for name, payload in found:
        contracts.load(name, payload)  # every message honours its contract
    return found


def test_weekly_series_with_one_conflict_preview_drop_and_book(rooms_app, rooms, api_auth):
    client, day = rooms_app.test_client(), next_week()
    other = client.post(
        "/api/rooms/bookings",
        headers=api_auth("lena"),
        json=_series(rooms["saal"], day + timedelta(weeks=2), 17, 19, "Geheim"),
    )
    assert other.status_code == 201
    weekly = _series(rooms["saal"], day, 18, 20, recurrence={"freq": "weekly", "count": 5})
    preview = client.post("/api/rooms/preview", headers=api_auth("otto"), json=weekly)
    assert preview.status_code == 200, preview.json
    blocked = [d for d in preview.json["dates"] if d["conflicts"]]
    assert [d["day"] for d in blocked] == [(day + timedelta(weeks=2)).isoformat()]
    assert blocked[0]["conflicts"][0]["title"] == "belegt"
    assert blocked[0]["conflicts"][0]["partner_name"] == "Mehrgenerationenhaus Lobeda"
    assert preview.json["bookable"] is False and count(rooms_app, Occurrence) == 1
    refused = client.post("/api/rooms/bookings", headers=api_auth("otto"), json=weekly)
    assert refused.status_code == 409 and len(refused.json["conflicts"]) == 1
    assert count(rooms_app, Occurrence) == 1  # never half-written
    booked = client.post(
        "/api/rooms/bookings",
        headers=api_auth("otto"),
        json={**weekly, "skip": [(day + timedelta(weeks=2)).isoformat()]},
    )
    assert booked.status_code == 201, booked.json
    states = [o["state"] for o in booked.json["occurrences"]]
    assert states == ["valid", "valid", "skipped", "valid", "valid"]
    assert {o["starts_at"] for o in booked.json["occurrences"]} == {
        at(day + timedelta(weeks=i), 18).astimezone(timezone.utc).isoformat() for i in range(5)
    }
    changed = [p for _, p in _messages(rooms_app, "calendar.booking_changed") if p["booking_id"] == booked.json["id"]]
    assert len(changed) == 1 and len(changed[0]["occurrences"]) == 4
    [notice] = [p for _, p in _messages(rooms_app, "notify.booking_notice") if p["booking_id"] == booked.json["id"]]
    assert notice["kind"] == "confirmed" and all("/rooms/cancel/" in o["cancel_url"] for o in notice["occurrences"])


def test_dst_weekly_tuesday_1800_is_stored_in_utc_and_stays_1800_local(rooms_app, rooms, api_auth):
    client = rooms_app.test_client()
    from datetime import date

    first = date(date.today().year + 1, 3, 2)
    while first.weekday() != 1:
        first += timedelta(days=1)
    body = _series(
        rooms["club"], first, 18, 20, recurrence={"freq": "weekly", "until": date(first.year, 11, 10).isoformat()}
    )
    created = client.post("/api/rooms/bookings", headers=api_auth("otto"), json=body)
    assert created.status_code == 201, created.json
    with rooms_app.extensions["db"]() as s:
        starts = s.scalars(select(Occurrence.starts_at).order_by(Occurrence.starts_at)).all()
    assert {t.astimezone(BERLIN).strftime("%a %H:%M") for t in starts} == {"Tue 18:00"}
    assert {t.astimezone(timezone.utc).hour for t in starts} == {16, 17}  # March and October switch


def test_fifty_parallel_requests_for_one_slot_and_for_overlapping_series(rooms_app, rooms, api_auth):
    day, headers = next_week(), api_auth("otto")
    rooms_app.test_client().get("/api/rooms/rooms", headers=headers)

    def race(bodies):
        barrier = threading.Barrier(len(bodies))

        def attempt(body):
            client = rooms_app.test_client()
            barrier.wait()
            return client.post("/api/rooms/bookings", headers=headers, json=body).status_code

        with ThreadPoolExecutor(len(bodies)) as pool:
            return sorted(pool.map(attempt, bodies))

    assert race([_series(rooms["saal"], day, 10, 11, f"V{i}") for i in range(50)]) == [201] + [409] * 49
    series = [
        _series(
            rooms["kueche"],
            day + timedelta(days=i % 7),
            9 + i % 3,
            12,
            f"S{i}",
            recurrence={"freq": "weekly", "count": 10},
        )
        for i in range(50)
    ]
    statuses = race(series)
    with rooms_app.extensions["db"]() as s:
        overlaps = s.scalar(
            text(
                "SELECT count(*) FROM occurrences a JOIN occurrences b ON a.id < b.id AND "
                "a.room_id = b.room_id AND a.state = 'valid' AND b.state = 'valid' AND a.during && b.during"
            )
        )
    assert overlaps == 0 and statuses.count(409) == 50 - statuses.count(201) and statuses.count(201) >= 1
    # series on the same weekday collide: at most one per weekday wins
    assert statuses.count(201) <= 7


def test_approval_holds_nothing_then_approve_rechecks(rooms_app, rooms, api_auth):
    client, day = rooms_app.test_client(), next_week()
    rules = client.put(
        f"/api/rooms/rooms/{rooms['saal']}/rules",
        headers=api_auth("lena"),
        json={"approval_required": True, "buffer_minutes": 15, "opening": {}},
    )
    assert rules.status_code == 200 and rules.json["approval_required"] is True
    assert client.put(f"/api/rooms/rooms/{rooms['saal']}/rules", headers=api_auth("otto"), json={}).status_code == 403
    requested = client.post(
        "/api/rooms/bookings", headers=api_auth("otto"), json=_series(rooms["saal"], day, 10, 12, "Anfrage")
    )
    assert requested.status_code == 201 and requested.json["status"] == "requested"
    assert [o["state"] for o in requested.json["occurrences"]] == ["pending"]
    notices = [p for _, p in _messages(rooms_app, "notify.booking_notice")]
    assert [(n["kind"], n["recipient"]["name"]) for n in notices] == [("requested", "Lena")]
    queue = client.get("/api/rooms/approvals", headers=api_auth("lena")).json
    assert [b["id"] for b in queue] == [requested.json["id"]]
    # the pending request holds nothing: the owner's own booking takes the slot (no approval for the owner)
    own = client.post(
        "/api/rooms/bookings", headers=api_auth("lena"), json=_series(rooms["saal"], day, 11, 13, "Eigen")
    )
    assert own.status_code == 201 and own.json["status"] == "confirmed"
    clash = client.post(f"/api/rooms/bookings/{requested.json['id']}/approve", headers=api_auth("lena"), json={})
    assert clash.status_code == 409
    assert (
        client.post(
            f"/api/rooms/bookings/{requested.json['id']}/approve", headers=api_auth("otto"), json={}
        ).status_code
        == 403
    )
    declined = client.post(
        f"/api/rooms/bookings/{requested.json['id']}/decline",
        headers=api_auth("lena"),
        json={"comment": "Leider belegt."},
    )
    assert declined.status_code == 200 and declined.json["status"] == "declined" and declined.json["sequence"] == 1
    last = _messages(rooms_app, "notify.booking_notice")[-1][1]
    assert (last["kind"], last["comment"]) == ("declined", "Leider belegt.")
    # buffer: 15 minutes after Lena's 11-13 are guarded by the database too
    with rooms_app.extensions["db"]() as s:
        assert s.scalar(select(Occurrence.blocked_until).where(Occurrence.booking_id == own.json["id"])) == at(
            day, 13, 15
        ).astimezone(timezone.utc)
    late = client.post(
        "/api/rooms/bookings", headers=api_auth("lena"), json=_series(rooms["saal"], day, 13, 14, "Zu knapp")
    )
    assert late.status_code == 409
    actions = [a.action for a in _audit(rooms_app)]
    assert {"rules_changed", "booking_requested", "booking_created", "booking_declined"} <= set(actions)


def _audit(app):
    with app.extensions["db"]() as s:
        return s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def test_cancel_change_and_re_add(rooms_app, rooms, api_auth):
    client, day = rooms_app.test_client(), next_week()
    booked = client.post(
        "/api/rooms/bookings",
        headers=api_auth("otto"),
        json=_series(rooms["club"], day, 15, 16, recurrence={"freq": "weekly", "count": 4}),
    ).json
    ids = [o["id"] for o in booked["occurrences"]]
    one = client.post(
        f"/api/rooms/bookings/{booked['id']}/cancel",
        headers=api_auth("otto"),
        json={"scope": "occurrence", "occurrence_id": ids[1]},
    )
    assert one.status_code == 200 and [o["state"] for o in one.json["occurrences"]][1] == "cancelled"
    assert _messages(rooms_app, "notify.booking_notice")[-1][1]["kind"] == "changed"
    # the freed date can be taken by someone else at once; then it cannot be re-added
    taken = client.post(
        "/api/rooms/bookings",
        headers=api_auth("lena"),
        json=_series(rooms["club"], day + timedelta(weeks=1), 15, 16, "Nachrücker"),
    )
    assert taken.status_code == 201
    assert (
        client.post(
            f"/api/rooms/bookings/{booked['id']}/occurrences/{ids[1]}/restore", headers=api_auth("otto")
        ).status_code
        == 409
    )
    client.post(f"/api/rooms/bookings/{taken.json['id']}/cancel", headers=api_auth("lena"), json={"scope": "series"})
    restored = client.post(f"/api/rooms/bookings/{booked['id']}/occurrences/{ids[1]}/restore", headers=api_auth("otto"))
    assert restored.status_code == 200 and restored.json["occurrences"][1]["state"] == "valid"
    moved = client.post(
        f"/api/rooms/bookings/{booked['id']}/change",
        headers=api_auth("otto"),
        json={
            "scope": "following",
            "occurrence_id": ids[2],
            "starts_at": at(day, 17).isoformat(),
            "ends_at": at(day, 18, 30).isoformat(),
        },
    )
    assert moved.status_code == 200, moved.json
    local = [
        (o["state"], __import__("datetime").datetime.fromisoformat(o["starts_at"]).astimezone(BERLIN).strftime("%H:%M"))
        for o in moved.json["occurrences"]
    ]
    assert local == [("valid", "15:00"), ("valid", "15:00"), ("valid", "17:00"), ("valid", "17:00")]
    assert (
        client.post(
            f"/api/rooms/bookings/{booked['id']}/cancel", headers=api_auth("lena"), json={"scope": "series"}
        ).status_code
        == 403
    )  # lena neither booked nor owns the Clubraum
    whole = client.post(
        f"/api/rooms/bookings/{booked['id']}/cancel", headers=api_auth("otto"), json={"scope": "series"}
    )
    assert whole.json["status"] == "cancelled" and whole.json["sequence"] == 4  # cancel, re-add, change, cancel
    assert _messages(rooms_app, "notify.booking_notice")[-1][1]["kind"] == "cancelled"
    assert count(rooms_app, Occurrence, Occurrence.state == "valid", Occurrence.room_id == rooms["club"]) == 0
    free = client.get(
        "/api/rooms/free",
        headers=api_auth("otto"),
        query_string={"starts_at": at(day, 15).isoformat(), "ends_at": at(day, 16).isoformat(), "capacity": 30},
    )
    assert {r["name"] for r in free.json} == {"Großer Saal", "Clubraum"}  # the Küche holds 12
    spec = client.get("/api/rooms/openapi.json").json
    assert {
        "/api/rooms/preview",
        "/api/rooms/bookings/{booking_id}/approve",
        "/api/rooms/rooms/{room_id}/rules",
        "/api/rooms/audit",
        "/api/rooms/free",
    } <= set(spec["paths"])
