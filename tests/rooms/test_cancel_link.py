"""The signed one-click cancel link from the reminder: confirm page, CSRF-protected POST,
only that one date, forged tokens refused."""

import json

from sqlalchemy import select

from services.rooms.db.models import Occurrence, OutboxMessage

from tests.support.rooms import at, csrf_token, next_week


def test_cancel_link_cancels_one_date(rooms_app, rooms, api_auth):
    client, day = rooms_app.test_client(), next_week()
    booked = client.post(
        "/api/rooms/bookings",
        headers=api_auth("otto"),
        json={
            "room_id": rooms["club"],
            "starts_at": at(day, 15).isoformat(),
            "ends_at": at(day, 16).isoformat(),
            "title": "Chor",
            "recurrence": {"freq": "weekly", "count": 3},
        },
    ).json
    with rooms_app.extensions["db"]() as s:
        notice = json.loads(
            s.scalar(select(OutboxMessage.payload).where(OutboxMessage.task_name == "notify.booking_notice"))
        )
    url = notice["occurrences"][1]["cancel_url"]
    path = url.split("8080", 1)[1]
    anonymous = rooms_app.test_client()
    page = anonymous.get(path)
    assert page.status_code == 200 and "Diesen Termin absagen" in page.get_data(as_text=True)
    assert anonymous.post(path, data={}).status_code == 400  # without CSRF token: refused, nothing happens
    with rooms_app.extensions["db"]() as s:
        assert s.scalars(select(Occurrence.state).order_by(Occurrence.starts_at)).all() == ["valid"] * 3
    done = anonymous.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert "ist abgesagt" in done.get_data(as_text=True)
    with rooms_app.extensions["db"]() as s:
        assert s.scalars(select(Occurrence.state).order_by(Occurrence.starts_at)).all() == [
            "valid",
            "cancelled",
            "valid",
        ]
    assert anonymous.get(path[:-3] + "xyz").status_code == 404
    assert booked["id"] > 0
