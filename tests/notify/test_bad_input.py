"""Bad input on the notify pages gets a 4xx with a sentence to act on, never a 500: pages and
filters out of range, digits int() cannot read, control characters, ids beyond what the
database holds (in paths and form posts)."""

from __future__ import annotations

import re

import pytest

from tests.support.login import login
from tests.support.notify import alerts, notice_payload

HUGE = "99999999999999999999"  # beyond bigint: OFFSET and id comparisons overflowed (500)


@pytest.fixture
def kora(notify_app, people):
    client = notify_app.test_client()
    login(client, "kora", service="notify")
    return client


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    "page, says",
    [
        (HUGE, "Die Seitenzahl ist zu groß"),
        ("100001", "Die Seitenzahl ist zu groß"),
        ("²", "Die Seitenzahl muss eine positive ganze Zahl sein"),  # isdigit() said yes, int() said no
        ("-3", "Die Seitenzahl muss eine positive ganze Zahl sein"),
        ("0", "Die Seitenzahl muss eine positive ganze Zahl sein"),
        ("1e3", "Die Seitenzahl muss eine positive ganze Zahl sein"),
        ("zwei", "Die Seitenzahl muss eine positive ganze Zahl sein"),
    ],
)
@pytest.mark.parametrize("path", ["/notify/", "/notify/dead"])
def test_a_page_number_out_of_range_or_unreadable_is_refused_with_a_reason(kora, path, page, says):
    response = kora.get(path, query_string={"page": page})
    assert response.status_code == 400
    assert says in _text(response)


def test_the_last_allowed_page_is_empty_not_an_error(kora):
    response = kora.get("/notify/", query_string={"page": "100000"})
    assert response.status_code == 200 and "Keine Nachrichten gefunden" in _text(response)


def test_an_empty_page_field_means_the_first_page(kora):
    assert kora.get("/notify/?page=&status=").status_code == 200


@pytest.mark.parametrize("q", ["a\x00b", "\x01", "zeile\nzwei", "\x7f", "\x9b"])
@pytest.mark.parametrize("path", ["/notify/", "/notify/dead"])
def test_control_characters_in_the_search_are_refused(kora, path, q):
    response = kora.get(path, query_string={"q": q})
    assert response.status_code == 400 and len(alerts(response)) == 1


@pytest.mark.parametrize(
    "name, value", [("status", "\x00"), ("kind", "x" * 10_000), ("channel", "fax"), ("why", "\x00")]
)
def test_unknown_choices_are_refused(kora, name, value):
    path = "/notify/dead" if name == "why" else "/notify/"
    response = kora.get(path, query_string={name: value})
    assert response.status_code == 400 and len(alerts(response)) == 1


def test_every_wrong_field_is_named_once(kora):
    page = _text(kora.get("/notify/", query_string={"page": "x", "q": "\x00", "status": "x"}))
    assert (
        page.count("Die Seitenzahl") == 1 and page.count("Steuerzeichen") == 1 and page.count("Unbekannter Status") == 1
    )


@pytest.mark.parametrize("delivery_id", [HUGE, str(2**63), str(2**31), "0"])
@pytest.mark.parametrize("suffix", ["", "/invite.ics"])
def test_ids_beyond_the_column_are_not_found(kora, delivery_id, suffix):
    assert kora.get(f"/notify/deliveries/{delivery_id}{suffix}").status_code == 404


@pytest.mark.parametrize("delivery_id", [HUGE, str(2**63), str(2**31)])
def test_resend_of_an_id_beyond_the_column_is_not_found(kora, delivery_id):
    token = re.search(r'name="csrf_token" value="([^"]+)"', _text(kora.get("/notify/preferences"))).group(1)
    response = kora.post(f"/notify/deliveries/{delivery_id}/resend", data={"csrf_token": token})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "field, value",
    [("language", "\x00"), ("lead", HUGE), ("lead", "-1"), ("kind_reminder", "fax"), ("kind_confirmed", "e\x00mail")],
)
def test_junk_in_the_preferences_form_is_refused_and_nothing_is_saved(notify_app, kora, field, value):
    page = _text(kora.get("/notify/preferences"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {
        "csrf_token": token,
        "language": "de",
        "lead": "1440",
        **{
            f"kind_{k}": "email"
            for k in ("requested", "approved", "declined", "confirmed", "changed", "cancelled", "reminder")
        },
    }
    response = kora.post("/notify/preferences", data={**form, field: value})
    assert response.status_code == 400 and len(alerts(response)) == 1
    from services.notify.models import Preference

    with notify_app.extensions["db"]() as session:
        assert session.query(Preference).count() == 0


@pytest.mark.parametrize("token", ["a\x00b", "\x01" * 10, "x" * 5000, "%ff%fe"])
def test_a_broken_settings_link_says_so(notify_app, people, token):
    response = notify_app.test_client().get("/notify/preferences/" + token)
    assert response.status_code == 400 and len(alerts(response)) == 1


def test_a_search_with_control_characters_finds_nothing_stored_and_changes_nothing(kora, run_task, people, deliveries):
    run_task("notify.booking_notice", **notice_payload(account_id=people["lena"]["id"], phone=""))
    before = deliveries()
    assert kora.get("/notify/", query_string={"q": "lena\x00"}).status_code == 400
    assert deliveries() == before
