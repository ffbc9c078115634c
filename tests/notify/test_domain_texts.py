"""Pure rules: texts per kind and language, SMS segments, E.164 numbers."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from shared import contracts

from services.notify.domain import sms
from services.notify.domain.notice import Notice
from services.notify.domain.phone import InvalidPhone, to_e164
from services.notify.domain.texts import render

from tests.support.notify import notice_payload


def notice(**kwargs) -> Notice:
    return Notice.from_message(contracts.load("notify.booking_notice", notice_payload(**kwargs)))


@pytest.mark.parametrize("kind", contracts.NOTICE_KINDS)
@pytest.mark.parametrize("language", ["de", "en"])
def test_every_kind_has_subject_text_html_and_sms_in_both_languages(kind, language):
    texts = render(notice(kind=kind, language=language))
    assert "Krabbelgruppe" in texts.subject
    assert "Lena Beispiel" in texts.text and "Saal im Erdgeschoss" in texts.text
    assert texts.html.startswith("<!doctype html>") and "Krabbelgruppe" in texts.html
    assert "Krabbelgruppe" in texts.sms and sms.segments(texts.sms) <= 2


def test_german_and_english_differ_and_times_are_local():
    de, en = render(notice(language="de")), render(notice(language="en"))
    assert de.subject.startswith("Buchung bestätigt") and en.subject.startswith("Booking confirmed")
    # 13:00 UTC on 20 March 2026 is 14:00 in Jena (CET); a week after summer time starts it is 15:00 CEST
    assert "Fr. 20.03.2026, 14:00–16:00 Uhr" in de.text
    assert "Fri 20 Mar 2026, 14:00–16:00" in en.text
    later = render(notice(weeks=3))
    assert "Fr. 03.04.2026, 15:00–17:00 Uhr" in later.text  # same UTC time, local time follows DST


def test_html_escapes_every_value():
    texts = render(notice(title='<img src=x onerror="alert(1)">', comment="<b>laut</b>"))
    assert "<img" not in texts.html and "<b>laut" not in texts.html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in texts.html


def test_a_javascript_link_is_not_made_clickable():
    assert "javascript:" not in render(notice(link="javascript:alert(1)")).html


def test_many_dates_are_summarised():
    texts = render(notice(weeks=14))
    assert texts.text.count("  - ") == 10 and "und 4 weitere" in texts.text
    assert "(+13 weitere)" in texts.sms


def test_a_long_title_still_fits_two_sms_segments_and_keeps_date_and_link():
    texts = render(notice(title="Gemeinsames Mittagessen für Jung und Alt " * 6))
    assert sms.segments(texts.sms) <= 2
    assert "20.03.2026" in texts.sms and "http://127.0.0.1:8080/rooms/bookings/42" in texts.sms


def test_segment_counting_gsm7_and_ucs2():
    assert sms.segments("") == 0
    assert sms.segments("a" * 160) == 1 and sms.segments("a" * 161) == 2
    assert sms.segments("a" * 306) == 2 and sms.segments("a" * 307) == 3
    assert sms.segments("äöüßÄÖÜ é" * 10) == 1  # German letters are GSM-7
    assert sms.segments("€" * 80) == 1 and sms.segments("€" * 81) == 2  # extension chars cost two septets
    assert sms.segments("ł" * 70) == 1 and sms.segments("ł" * 71) == 2  # one non-GSM letter: UCS-2
    assert sms.segments("ł" * 134) == 2 and sms.segments("ł" * 135) == 3
    assert sms.segments("😀" * 35) == 1 and sms.segments("😀" * 36) == 2  # surrogate pairs
    # an escape pair does not straddle parts: 152 plain + "€" needs a second part
    assert sms.segments("a" * 152 + "€" + "a" * 153) == 3


@given(st.text(max_size=600))
def test_truncate_always_fits(text):
    assert sms.segments(sms.truncate(text)) <= 2


@pytest.mark.parametrize(
    "raw, e164",
    [
        ("0151 23456789", "+4915123456789"),
        ("+49 160 9876543", "+491609876543"),
        ("03641 123456", "+493641123456"),
        ("0043 664 1234567", "+436641234567"),
    ],
)
def test_phone_numbers_become_e164_with_germany_as_default(raw, e164):
    assert to_e164(raw) == e164


@pytest.mark.parametrize("raw", ["12345", "0151 2345678", "keine", "", "+49 0000"])
def test_invalid_phone_numbers_are_permanent_failures(raw):
    with pytest.raises(InvalidPhone):
        to_e164(raw)
