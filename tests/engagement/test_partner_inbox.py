"""The inbox of an opportunity: the offers that reached the partner (confirmed ones, newest
first), accept with a message and a first meeting (the volunteer's mail carries the invitation,
through notify to the SMTP sink), decline kindly, put in touch; each mail in the volunteer's
language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from shared.clock import utcnow

from services.engagement.db import models
from services.engagement.domain.vocabulary import LOCAL_TZ

from tests.engagement.partner_support import application, client_of, get, mails, opportunity, page_token


@pytest.fixture
def engagement(apps):
    return apps["engagement"]


def _inbox(opportunity_id: int) -> str:
    return f"/engagement/partner/opportunities/{opportunity_id}/inbox"


def _decide(client, opportunity_id: int, application_id: int, kind: str, **fields):
    csrf = page_token(client, _inbox(opportunity_id))
    data = {f"{kind}{application_id}-{name}": value for name, value in fields.items()}
    data[f"{kind}{application_id}-csrf_token"] = csrf
    return client.post(f"{_inbox(opportunity_id)}/{application_id}/{kind}", data=data)


def test_the_inbox_shows_confirmed_offers_newest_first_and_never_unconfirmed_ones(engagement, people):
    row = opportunity(engagement, people["lena"]["partner_id"])
    application(engagement, row, "Alma Alt", confirmed_at=utcnow() - timedelta(days=2))
    application(engagement, row, "Bruno Neu")
    application(engagement, row, "Carla Unbestätigt", state="unconfirmed", confirmed_at=None)
    html = client_of(engagement, "lena").get(_inbox(row)).get_data(as_text=True)
    assert html.index("Bruno Neu") < html.index("Alma Alt")
    assert "Carla" not in html
    assert "bruno@example.net" in html and "0151 111222" in html
    assert "dienstags ab 15 Uhr" in html and "Ich habe Zeit und Geduld." in html


def test_accepting_with_a_first_meeting_sends_an_invitation(engagement, notify_app, smtp_sink, people):
    row = opportunity(engagement, people["lena"]["partner_id"])
    application_id = application(engagement, row)
    day = (utcnow() + timedelta(days=7)).astimezone(LOCAL_TZ).date()
    response = _decide(
        client_of(engagement, "lena"),
        row,
        application_id,
        "accept",
        message="Schön, dass Sie dabei sind!",
        meeting_day=day.strftime("%d.%m.%Y"),
        meeting_starts="15:00",
        meeting_ends="16:30",
        meeting_place="Café im Haus",
    )
    assert response.status_code == 303
    accepted = get(engagement, models.Application, application_id)
    assert (accepted.state, accepted.answer, accepted.meeting_place) == (
        "accepted",
        "Schön, dass Sie dabei sind!",
        "Café im Haus",
    )
    starts = accepted.meeting_starts_at.astimezone(LOCAL_TZ)
    assert (starts.date(), starts.hour, starts.minute) == (day, 15, 0)
    (mail,) = mails(engagement)
    assert (mail["purpose"], mail["email"], mail["language"]) == ("accepted", "jonas@example.net", "de")
    assert mail["event"]["method"] == "REQUEST" and mail["event"]["location"] == "Café im Haus"
    assert "Schön, dass Sie dabei sind!" in mail["text"] and "Ihr erstes Treffen:" in mail["text"]
    assert "/engagement/mine/" in mail["text"]  # their own link

    # through notify to the mailbox: the invitation a calendar program adds in one click
    notify_app.extensions["celery"].tasks["notify.engagement_mail"].apply(kwargs=mail).get(propagate=True)
    (message,) = smtp_sink.messages
    assert message["Subject"] == "Angenommen: Vorlesen in der Kita"
    (inline,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    (event,) = Calendar.from_ical(inline.get_content()).walk("VEVENT")
    assert event.decoded("DTSTART").astimezone(LOCAL_TZ).hour == 15


def test_a_meeting_needs_its_day_and_both_times_and_lies_ahead(engagement, people):
    row = opportunity(engagement, people["lena"]["partner_id"])
    application_id = application(engagement, row)
    lena = client_of(engagement, "lena")
    response = _decide(lena, row, application_id, "accept", meeting_day="morgen", meeting_starts="15:00")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Für ein erstes Treffen bitte Tag, Beginn und Ende angeben." in html
    assert "<details open>" in html  # the failed form is open, at its error
    yesterday = (utcnow() - timedelta(days=1)).astimezone(LOCAL_TZ).date().strftime("%d.%m.%Y")
    response = _decide(
        lena, row, application_id, "accept", meeting_day=yesterday, meeting_starts="15:00", meeting_ends="14:00"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Dieser Zeitpunkt liegt in der Vergangenheit." in html and "Das Ende muss nach dem Beginn liegen." in html
    assert get(engagement, models.Application, application_id).state == "confirmed"
    assert mails(engagement) == []


def test_declining_without_words_sends_a_kind_default_in_the_volunteers_language(engagement, people):
    row = opportunity(engagement, people["lena"]["partner_id"])
    application_id = application(engagement, row, language="en")
    assert _decide(client_of(engagement, "kora"), row, application_id, "decline", message="").status_code == 303
    declined = get(engagement, models.Application, application_id)
    assert declined.state == "declined" and declined.closed_at is not None
    (mail,) = mails(engagement)
    assert (mail["purpose"], mail["language"]) == ("declined", "en")
    assert "/engagement/" in mail["text"] and mail["event"] is None
    # declined is final: a second answer is refused
    response = _decide(client_of(engagement, "lena"), row, application_id, "accept", message="doch")
    assert response.status_code == 409
    assert get(engagement, models.Application, application_id).state == "declined"


def test_putting_in_touch_tells_the_volunteer_the_partner_will_call(engagement, people):
    row = opportunity(engagement, people["lena"]["partner_id"], contact_phone="03641 123456")
    application_id = application(engagement, row)
    lena = client_of(engagement, "lena")
    assert _decide(lena, row, application_id, "in_touch", message="Ich rufe Sie am Montag an.").status_code == 303
    assert get(engagement, models.Application, application_id).state == "in_touch"
    (mail,) = mails(engagement)
    assert mail["purpose"] == "in_touch"
    assert "Ich rufe Sie am Montag an." in mail["text"] and "03641 123456" in mail["text"]
    # then accepted, without a meeting: no invitation
    assert _decide(lena, row, application_id, "accept", message="").status_code == 303
    assert get(engagement, models.Application, application_id).state == "accepted"
    assert mails(engagement)[-1]["event"] is None


def test_an_unconfirmed_offer_cannot_be_answered(engagement, people):
    row = opportunity(engagement, people["lena"]["partner_id"])
    application_id = application(engagement, row, state="unconfirmed", confirmed_at=None)
    lena = client_of(engagement, "lena")
    csrf = page_token(lena, _inbox(row))
    response = lena.post(f"{_inbox(row)}/{application_id}/accept", data={f"accept{application_id}-csrf_token": csrf})
    assert response.status_code == 404
    assert get(engagement, models.Application, application_id).state == "unconfirmed"
