""" "Meine Räume": rules, closures and the approval queue, for the owner's staff only."""

from datetime import timedelta

from lxml import html as lhtml

from services.rooms.booking.rules import put_rules
from services.rooms.db import queries
from services.rooms.db.models import AuditEntry, Booking, ClosureRow, RoomRulesRow

from tests.support.rooms import count, csrf_token, next_week, post_booking_form, run


def _post(client, url, form_url, **data):
    token = csrf_token(client.get(form_url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def _rules(app, room_id):
    with app.extensions["db"]() as s:
        return queries.rules_of(s, room_id)


RULES = {
    "open_mo": "08:00",
    "close_mo": "20:00",
    "open_di": "09:00",
    "close_di": "21:00",
    "min_minutes": "30",
    "max_minutes": "240",
    "max_days_ahead": "180",
    "buffer_minutes": "15",
    "approval_required": "y",
}


def test_owner_sets_rules_and_they_are_shown_again(rooms_app, rooms, web):
    lena = web("lena")
    url = f"/rooms/{rooms['saal']}/rules"
    assert "Großer Saal" in lena.get("/rooms/mine").get_data(as_text=True)
    assert _post(lena, url, url, **RULES).status_code == 302
    rules = _rules(rooms_app, rooms["saal"])
    assert (
        rules.min_minutes,
        rules.max_minutes,
        rules.max_days_ahead,
        rules.buffer_minutes,
        rules.approval_required,
    ) == (30, 240, 180, 15, True)
    assert set(rules.opening) == {"mo", "di"}
    tree = lhtml.fromstring(lena.get(url).get_data(as_text=True))
    assert tree.xpath("//input[@id='open_di']")[0].get("value") == "09:00"
    assert tree.xpath("//input[@id='approval_required']")[0].get("checked") is not None
    assert count(rooms_app, AuditEntry, AuditEntry.action == "rules_changed") == 1


def test_bad_rules_are_400_at_the_field_and_nothing_is_stored(rooms_app, rooms, web):
    lena = web("lena")
    url = f"/rooms/{rooms['saal']}/rules"
    response = _post(lena, url, url, **dict(RULES, close_mo="07:00", buffer_minutes="999"))
    assert response.status_code == 400
    tree = lhtml.fromstring(response.get_data(as_text=True))
    assert "close_mo-error" in tree.xpath("//*[@id='close_mo']")[0].get("aria-describedby")
    assert "Schließzeit muss nach der Öffnungszeit" in response.get_data(as_text=True)
    response = _post(lena, url, url, **dict(RULES, buffer_minutes="999"))
    assert response.status_code == 400 and "Pufferzeit" in response.get_data(as_text=True)
    assert count(rooms_app, RoomRulesRow) == 0


def test_closures_for_one_room_or_all_rooms_block_bookings_and_can_be_removed(rooms_app, rooms, web):
    lena = web("lena")
    rules_url = f"/rooms/{rooms['saal']}/rules"
    day = next_week()
    for all_rooms in ("", "y"):
        data = {
            "closure-first_day": day.isoformat(),
            "closure-last_day": (day + timedelta(days=1)).isoformat(),
            "closure-reason": "Renovierung",
            "closure-all_rooms": all_rooms,
        }
        assert _post(lena, f"/rooms/{rooms['saal']}/closures", rules_url, **data).status_code == 302
    assert count(rooms_app, ClosureRow) == 2
    # the partner-wide closure also closes the Küche
    response = post_booking_form(
        web("otto"),
        rooms["kueche"],
        action="preview",
        date=day.isoformat(),
        start="10:00",
        end="11:00",
        title="Kochkurs",
    )
    assert "Der Raum ist an diesem Tag geschlossen" in response.get_data(as_text=True)
    with rooms_app.extensions["db"]() as s:
        ids = [c.id for c in s.query(ClosureRow).order_by(ClosureRow.id)]
    # otto's own room is no way to lena's closures
    otto, club_rules = web("otto"), f"/rooms/{rooms['club']}/rules"
    assert _post(otto, f"/rooms/{rooms['club']}/closures/{ids[0]}/remove", club_rules).status_code == 404
    assert _post(otto, f"/rooms/{rooms['saal']}/closures/{ids[0]}/remove", club_rules).status_code == 403
    for closure_id in ids:
        assert _post(lena, f"/rooms/{rooms['saal']}/closures/{closure_id}/remove", rules_url).status_code == 302
    assert count(rooms_app, ClosureRow) == 0
    assert count(rooms_app, AuditEntry, AuditEntry.action == "closure_removed") == 2
    bad = _post(
        lena,
        f"/rooms/{rooms['saal']}/closures",
        rules_url,
        **{"closure-first_day": day.isoformat(), "closure-last_day": (day - timedelta(days=3)).isoformat()},
    )
    assert bad.status_code == 400 and "Ende einer Schließzeit" in bad.get_data(as_text=True)
    assert count(rooms_app, ClosureRow) == 0


def test_other_partner_cannot_see_or_change_rules(rooms_app, rooms, web):
    otto = web("otto")
    url = f"/rooms/{rooms['saal']}/rules"
    assert otto.get(url).status_code == 403
    token = csrf_token(otto.get(f"/rooms/{rooms['club']}/rules").get_data(as_text=True))
    assert otto.post(url, data={"csrf_token": token, **RULES}).status_code == 403
    assert otto.post(f"/rooms/{rooms['saal']}/closures", data={"csrf_token": token}).status_code == 403
    assert "Großer Saal" not in otto.get("/rooms/mine").get_data(as_text=True)
    assert count(rooms_app, RoomRulesRow) == 0


def _request(rooms_app, rooms, web, people, day):
    lena = rooms_app.extensions["identity"].principal(people["lena"]["id"])
    run(rooms_app.extensions["db"], put_rules, lena, rooms["saal"], {"approval_required": True})
    assert (
        post_booking_form(
            web("otto"),
            rooms["saal"],
            action="book",
            date=day.isoformat(),
            start="15:00",
            end="16:00",
            title="Skatturnier",
        ).status_code
        == 302
    )
    with rooms_app.extensions["db"]() as s:
        return s.query(Booking).filter_by(title="Skatturnier").one().id


def test_queue_shows_the_conflict_a_request_would_cause_and_approval_rechecks(rooms_app, rooms, web, people):
    day = next_week()
    booking_id = _request(rooms_app, rooms, web, people, day)
    lena = web("lena")
    page = lena.get("/rooms/requests").get_data(as_text=True)
    assert "Skatturnier" in page and "AWO Begegnungsstätte Nord" in page and "frei" in page
    # lena's own booking now takes the slot: the queue names it, approval is refused with 409
    assert (
        post_booking_form(
            lena, rooms["saal"], date=day.isoformat(), start="15:30", end="16:30", title="Eigene Probe"
        ).status_code
        == 302
    )
    page = lena.get("/rooms/requests").get_data(as_text=True)
    assert "kollidiert mit" in page and "Eigene Probe" in page
    response = _post(lena, f"/rooms/requests/{booking_id}/approve", "/rooms/requests", comment="gern")
    assert response.status_code == 409
    refusal = response.get_data(as_text=True)
    assert 'data-code="series_conflict"' in refusal
    assert "Eigene Probe" in refusal  # the booking in the way, with its title for its own partner
    with rooms_app.extensions["db"]() as s:
        assert s.get(Booking, booking_id).status == "requested"
    response = _post(lena, f"/rooms/requests/{booking_id}/decline", "/rooms/requests", comment="Leider belegt")
    assert response.status_code == 302
    with rooms_app.extensions["db"]() as s:
        booking = s.get(Booking, booking_id)
        assert (booking.status, booking.comment) == ("declined", "Leider belegt")
    assert "Leider belegt" in web("otto").get(f"/rooms/bookings/{booking_id}").get_data(as_text=True)


def test_approve_and_only_the_owner_may_decide(rooms_app, rooms, web, people):
    booking_id = _request(rooms_app, rooms, web, people, next_week())
    otto = web("otto")
    assert "Skatturnier" not in otto.get("/rooms/requests").get_data(as_text=True)
    response = _post(otto, f"/rooms/requests/{booking_id}/approve", f"/rooms/{rooms['club']}", comment="")
    assert response.status_code == 403
    assert "nur der Partner" in response.get_data(as_text=True)
    no_csrf = web("lena").post(f"/rooms/requests/{booking_id}/approve", data={"comment": "x"})
    assert no_csrf.status_code == 400
    with rooms_app.extensions["db"]() as s:
        assert s.get(Booking, booking_id).status == "requested"
    assert (
        _post(web("lena"), f"/rooms/requests/{booking_id}/approve", "/rooms/requests", comment="Willkommen").status_code
        == 302
    )
    with rooms_app.extensions["db"]() as s:
        booking = s.get(Booking, booking_id)
        assert booking.status == "confirmed" and {o.state for o in booking.occurrences} == {"valid"}
