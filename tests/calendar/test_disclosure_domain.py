"""The allow-lists of domain/disclosure.py on awkward but legal text: LF line ends, folded
lines, parameters to drop, alarms, overrides with and without RANGE."""

from icalendar import Calendar

from services.calendar.domain.disclosure import busy_view, has_hidden, public_view

EVENT = (
    "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\nUID:a\nDTSTAMP:20260101T000000Z\n"
    "DTSTART;TZID=Europe/Berlin:20260105T100000\nDTEND;TZID=Europe/Berlin:20260105T110000\n"
    'RRULE:FREQ=WEEKLY;BYDAY=MO,TU\nSUMMARY:Chor\nDESCRIPTION;ALTREP="cid:x@y";LANGUAGE=de:Singen f\n'
    " ür alle\nLOCATION;X-APPLE-STRUCTURED=geheim:Saal\nATTENDEE;CN=Max:mailto:max@example.org\n"
    "BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT5M\nDESCRIPTION:privat\nEND:VALARM\nEND:VEVENT\n{override}"
    "END:VCALENDAR\n"
)
OVERRIDE = (
    "BEGIN:VEVENT\nUID:a\nDTSTAMP:20260101T000000Z\nRECURRENCE-ID;TZID=Europe/Berlin{range}:20260112T100000\n"
    "DTSTART;TZID=Europe/Berlin:20260112T120000\nDTEND;TZID=Europe/Berlin:20260112T130000\n"
    "SUMMARY:Intern\nCLASS:PRIV\n ATE\nEND:VEVENT\n"
)


def test_public_view_keeps_the_allow_list_with_only_safe_parameters():
    shown = public_view(EVENT.format(override="").encode())
    event = Calendar.from_ical(shown).walk("VEVENT")[0]
    assert str(event["DESCRIPTION"]) == "Singen für alle" and str(event["LOCATION"]) == "Saal"
    assert dict(event["DESCRIPTION"].params) == {} and "ATTENDEE" not in event and not event.subcomponents
    assert event["RRULE"]["BYDAY"] == ["MO", "TU"] and event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert b"\r\n" in shown and b"privat" not in shown and b"X-APPLE" not in shown


def test_a_private_override_becomes_an_exdate_of_the_public_master():
    shown = Calendar.from_ical(public_view(EVENT.format(override=OVERRIDE.format(range="")).encode()))
    events = shown.walk("VEVENT")
    assert len(events) == 1 and b"Intern" not in shown.to_ical()
    assert events[0]["EXDATE"].to_ical() == b"20260112T100000"


def test_a_private_override_for_all_later_dates_hides_the_series():
    assert public_view(EVENT.format(override=OVERRIDE.format(range=";RANGE=THISANDFUTURE")).encode()) is None


def test_busy_view_hides_a_folded_private_class_and_keeps_the_rest():
    data = EVENT.format(override=OVERRIDE.format(range="")).encode()
    hidden = lambda event_class: event_class != "PUBLIC"  # noqa: E731
    assert has_hidden(data, hidden)
    shown = Calendar.from_ical(busy_view(data, hidden, "Beschäftigt"))
    master, override = shown.walk("VEVENT")
    assert str(master["SUMMARY"]) == "Chor" and str(override["SUMMARY"]) == "Beschäftigt"
    assert override["DTSTART"].dt.hour == 12 and "RECURRENCE-ID" in override
