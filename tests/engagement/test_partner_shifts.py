"""Shifts on the partner's side: add a date, change its places (the waiting list moves up and is
told), cancel it (everyone on it is told, the confirmed with a cancellation for their calendar),
take a person off (the first waiting moves up), and the roster: confirmed in order, then the
waiting list, printable and as CSV that spreadsheet programs cannot be tricked by."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from shared.clock import utcnow

from services.engagement.db import models
from services.engagement.domain.vocabulary import LOCAL_TZ

from tests.engagement.partner_support import client_of, get, mails, opportunity, page_token, shift, signups

PEOPLE = ["Anna Beck", "Bernd Cox", "Clara Dietz", "Dora Ernst"]


@pytest.fixture
def engagement(apps):
    return apps["engagement"]


@pytest.fixture
def festival(engagement, people):
    return opportunity(
        engagement, people["lena"]["partner_id"], kind="shift", title="Herbstfest", weekdays=[], times_of_day=[]
    )


def _shifts(opportunity_id: int) -> str:
    return f"/engagement/partner/opportunities/{opportunity_id}/shifts"


def _post(client, opportunity_id: int, path: str, prefix: str = "", **fields):
    csrf = page_token(client, _shifts(opportunity_id))
    data = {f"{prefix}{name}": value for name, value in fields.items()}
    data[f"{prefix}csrf_token"] = csrf
    return client.post(_shifts(opportunity_id) + path, data=data)


def test_a_partner_adds_a_shift(engagement, festival):
    lena = client_of(engagement, "lena")
    day = (utcnow() + timedelta(days=20)).astimezone(LOCAL_TZ).date()
    response = _post(
        lena, festival, "", day=day.strftime("%d.%m.%Y"), starts="14", ends="17:30", capacity="6", deadline_hours="48"
    )
    assert response.status_code == 303
    with engagement.extensions["db"]() as session:
        (row,) = session.query(models.Shift).all()
        starts = row.starts_at.astimezone(LOCAL_TZ)
        assert (starts.date(), starts.hour, row.capacity, row.deadline_minutes) == (day, 14, 6, 48 * 60)
        assert row.ends_at.astimezone(LOCAL_TZ).minute == 30
    assert "6 Plätzen" in lena.get(_shifts(festival)).get_data(as_text=True)


def test_a_shift_in_the_past_or_ending_before_it_starts_is_refused(engagement, festival):
    lena = client_of(engagement, "lena")
    yesterday = (utcnow() - timedelta(days=1)).astimezone(LOCAL_TZ).date().strftime("%d.%m.%Y")
    response = _post(lena, festival, "", day=yesterday, starts="14:00", ends="13:00", capacity="0", deadline_hours="24")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Dieser Zeitpunkt liegt in der Vergangenheit." in html and "Das Ende muss nach dem Beginn liegen." in html
    assert "Bitte eine Zahl von 1 bis 200." in html
    with engagement.extensions["db"]() as session:
        assert session.query(models.Shift).count() == 0


def test_more_places_move_the_waiting_list_up_and_tell_them(engagement, festival):
    shift_id = shift(engagement, festival, 2, PEOPLE)
    lena = client_of(engagement, "lena")
    response = _post(lena, festival, f"/{shift_id}/capacity", f"capacity{shift_id}-", capacity="3")
    assert response.status_code == 303
    assert signups(engagement, shift_id) == {
        "Anna Beck": "confirmed",
        "Bernd Cox": "confirmed",
        "Clara Dietz": "confirmed",  # first come, first served
        "Dora Ernst": "waiting",
    }
    (mail,) = mails(engagement)
    assert (mail["purpose"], mail["email"]) == ("moved_up", "clara@example.net")
    assert mail["event"]["method"] == "REQUEST"


def test_fewer_places_than_people_on_the_shift_are_refused(engagement, festival):
    shift_id = shift(engagement, festival, 2, PEOPLE[:2])
    response = _post(
        client_of(engagement, "lena"), festival, f"/{shift_id}/capacity", f"capacity{shift_id}-", capacity="1"
    )
    assert response.status_code == 409
    assert "Bitte melden Sie zuerst jemanden ab" in response.get_data(as_text=True)
    assert get(engagement, models.Shift, shift_id).capacity == 2


def test_cancelling_a_shift_tells_everyone_on_it(engagement, festival):
    shift_id = shift(engagement, festival, 2, PEOPLE[:3])
    response = _post(
        client_of(engagement, "lena"), festival, f"/{shift_id}/cancel", f"cancel{shift_id}-", note="Es regnet zu sehr."
    )
    assert response.status_code == 303
    assert get(engagement, models.Shift, shift_id).cancelled_at is not None
    sent = {m["email"]: m for m in mails(engagement)}
    assert set(sent) == {"anna@example.net", "bernd@example.net", "clara@example.net"}
    assert sent["anna@example.net"]["event"]["method"] == "CANCEL"  # it leaves their calendar
    assert sent["clara@example.net"]["event"] is None  # waiting: never had it in the calendar
    assert all("Es regnet zu sehr." in m["text"] for m in sent.values())
    # a cancelled shift takes no more changes
    again = _post(
        client_of(engagement, "lena"), festival, f"/{shift_id}/capacity", f"capacity{shift_id}-", capacity="5"
    )
    assert again.status_code == 409 and "Dieser Termin fällt aus." in again.get_data(as_text=True)


def test_removing_a_person_moves_the_first_waiting_up(engagement, festival):
    shift_id = shift(engagement, festival, 1, PEOPLE[:3])
    with engagement.extensions["db"]() as session:
        anna = session.query(models.Signup).filter_by(name="Anna Beck").one().id
    response = _post(client_of(engagement, "lena"), festival, f"/{shift_id}/signups/{anna}/remove")
    assert response.status_code == 303
    assert signups(engagement, shift_id) == {"Anna Beck": "removed", "Bernd Cox": "confirmed", "Clara Dietz": "waiting"}
    purposes = {m["email"]: m["purpose"] for m in mails(engagement)}
    assert purposes == {"anna@example.net": "removed", "bernd@example.net": "moved_up"}


def test_the_roster_lists_the_confirmed_then_the_waiting_list(engagement, festival):
    shift_id = shift(engagement, festival, 2, PEOPLE)
    html = client_of(engagement, "kora").get(f"{_shifts(festival)}/{shift_id}/roster").get_data(as_text=True)
    positions = [html.index(name) for name in PEOPLE]
    assert positions == sorted(positions)
    assert "anna@example.net" in html and "0151 222333" in html
    body = html[html.index("<tbody>") :]
    assert body.count(">dabei<") == 2 and body.count(">Warteliste<") == 2


def test_the_csv_roster_cannot_smuggle_formulas_into_a_spreadsheet(engagement, festival):
    shift_id = shift(engagement, festival, 2, ['=HYPERLINK("http://evil")', "+49 Anna", "@Bernd", "-Clara"])
    response = client_of(engagement, "lena").get(f"{_shifts(festival)}/{shift_id}/roster.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True).removeprefix("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header == ["Nr.", "Stand", "Name", "E-Mail", "Telefon"]
    assert [r[2] for r in rows] == ['\'=HYPERLINK("http://evil")', "'+49 Anna", "'@Bernd", "'-Clara"]
    assert [(r[0], r[1]) for r in rows] == [("1", "dabei"), ("2", "dabei"), ("1", "Warteliste"), ("2", "Warteliste")]
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


def test_a_partner_puts_someone_on_who_called_in(engagement, festival):
    shift_id = shift(engagement, festival, 2, ["Anna Beck"])
    lena = client_of(engagement, "lena")
    prefix = f"person{shift_id}-"
    added = _post(lena, festival, f"/{shift_id}/signups", prefix, name="Erna Fuchs", email="Erna@Example.net")
    assert added.status_code == 303
    full = _post(lena, festival, f"/{shift_id}/signups", prefix, name="Franz Gold", email="franz@example.net")
    assert full.status_code == 303
    assert signups(engagement, shift_id) == {
        "Anna Beck": "confirmed",
        "Erna Fuchs": "confirmed",
        "Franz Gold": "waiting",
    }
    sent = {m["email"]: m for m in mails(engagement)}
    assert (
        sent["erna@example.net"]["purpose"] == "signed_up" and sent["erna@example.net"]["event"]["method"] == "REQUEST"
    )
    assert sent["franz@example.net"]["purpose"] == "waiting"
    assert "/engagement/mine/" in sent["erna@example.net"]["text"]  # her own link, which opens
    link = sent["erna@example.net"]["text"].split("/engagement/mine/")[1].split()[0]
    assert engagement.test_client().get(f"/engagement/mine/{link}").status_code == 200

    again = _post(lena, festival, f"/{shift_id}/signups", prefix, name="Erna Fuchs", email="erna@example.net")
    assert again.status_code == 409 and "schon eingetragen" in again.get_data(as_text=True)
    wrong = _post(lena, festival, f"/{shift_id}/signups", prefix, name="", email="keine-adresse")
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 400 and "Bitte ausfüllen." in html and "E-Mail-Adresse" in html
    assert len(mails(engagement)) == 2
