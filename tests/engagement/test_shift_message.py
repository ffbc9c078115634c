"""The partner writes to everyone on a shift: one mail each (SMS where asked and a number is
known), in each person's frame; nobody else may."""

from __future__ import annotations

from datetime import timedelta

from shared.clock import utcnow

from tests.support import engagement as support
from tests.support.login import login


def test_a_message_reaches_everyone_on_the_shift(engagement_app, people):
    opportunity_id = support.opportunity(
        engagement_app, people["lena"]["partner_id"], kind="shift", weekdays=[], times_of_day=[]
    )
    shift_id = support.shift(engagement_app, opportunity_id, utcnow() + timedelta(days=3), capacity=1)
    support.signup(engagement_app, shift_id, "anna@example.org", phone="0151 1111111")
    support.signup(engagement_app, shift_id, "ben@example.org", state="waiting")
    page = f"/engagement/partner/opportunities/{opportunity_id}/shifts/{shift_id}/message"
    client = engagement_app.test_client()
    login(client, "lena", service="engagement")
    assert "2 Personen" in client.get(page).get_data(as_text=True)

    too_long = support.post_form(
        client, page, {"audience": "everyone", "subject": "Treffpunkt", "text": "x" * 301, "sms": "y"}
    )
    assert too_long.status_code == 400 and "SMS" in too_long.get_data(as_text=True)
    assert support.mails(engagement_app) == []

    sent = support.post_form(
        client,
        page,
        {"audience": "everyone", "subject": "Treffpunkt", "text": "Wir treffen uns am Seiteneingang.", "sms": "y"},
    )
    assert sent.status_code == 303
    mails = support.mails(engagement_app)
    assert sorted(m["email"] for m in mails) == ["anna@example.org", "ben@example.org"]
    assert all(m["purpose"] == "shift_message" and "Seiteneingang" in m["text"] for m in mails)
    by_email = {m["email"]: m for m in mails}
    assert by_email["anna@example.org"]["sms_text"] and not by_email["ben@example.org"]["sms_text"]

    only_placed = support.post_form(
        client, page, {"audience": "confirmed", "subject": "Kuchen", "text": "Bitte Kuchen mitbringen."}
    )
    assert only_placed.status_code == 303
    assert [m["email"] for m in support.mails(engagement_app)[2:]] == ["anna@example.org"]

    otto = engagement_app.test_client()
    login(otto, "otto", service="engagement")
    assert otto.get(page).status_code == 404
