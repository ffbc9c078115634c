"""Issue 11's path as its first users walk it, in Chromium on a phone (390x844) and a laptop
(1280x800): a search typed "14 Uhr", a taken slot with its alternatives, a weekly series asked
for in a room that needs approval and approved in part by its owner, a change that goes back to
approval, a cancellation with a reason. Every page on the way fits the window and has no axe-core
violation; every email is read back from the SMTP sink (real workers, real Redis)."""

from __future__ import annotations

from datetime import date, timedelta
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import assert_fits_and_accessible
from tests.support.live import LiveServer
from tests.support.login import PASSWORD
from tests.support.rooms import at, book_one
from tests.support.workers import wait_until

ABOUT = "Tanzen für Anfänger, etwa 15 Personen"
NO_LONGER = "An dem Tag ist Elternabend im Saal."
REASON = "fällt aus wegen Krankheit der Kursleiterin"


def _monday_in(weeks: int) -> date:
    today = date.today()
    return today + timedelta(days=7 * weeks - today.weekday())


class Person:
    """One user's browser window at one size; every page it reaches is checked."""

    def __init__(self, browser, base: str, username: str, width: int, height: int):
        self.context = browser.new_context(locale="de-DE", viewport={"width": width, "height": height})
        self.page: Page = self.context.new_page()
        self.base = base
        self.goto("/rooms/login")
        self.page.get_by_label("Benutzername").fill(username)
        self.page.get_by_label("Passwort").fill(PASSWORD)
        self.page.keyboard.press("Enter")
        expect(self.page).to_have_url(f"{base}/rooms/")
        self.checked()

    def goto(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")
        self.checked()

    def checked(self) -> None:
        self.page.wait_for_load_state()
        assert_fits_and_accessible(self.page)

    def focused(self) -> str:
        return self.page.evaluate("document.activeElement.id || document.activeElement.className")


def _mails(sink, to: str, subject: str) -> list[EmailMessage]:
    return [m for m in sink.messages if to in m["To"] and subject in m["Subject"]]


def _mail(sink, to: str, subject: str, nth: int = 1) -> EmailMessage:
    return wait_until(lambda: _mails(sink, to, subject)[nth - 1 : nth], what=f"email {subject!r} to {to}")[0]


def _text(mail: EmailMessage) -> str:
    return mail.get_body(("plain",)).get_content()


def _invitation(mail: EmailMessage):
    parts = [p for p in mail.walk() if p.get_content_type() in ("text/calendar", "application/ics")]
    return [icalendar.Calendar.from_ical(p.get_payload(decode=True)) for p in parts]


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 800)])
def test_the_first_users_path(
    browser, frontdoor, rooms, approval_room, identity, people, workers, smtp_sink, width, height
):
    day = _monday_in(2) + timedelta(days=1)  # a Tuesday, typed as people type it
    lena = identity.principal(people["lena"]["id"])
    book_one(frontdoor.apps["rooms"].extensions["db"], lena, rooms["kueche"], at(day, 14), at(day, 16), "Kochkurs")

    with LiveServer(frontdoor) as live:
        otto = Person(browser, live.url, "otto", width, height)
        page = otto.page

        # search, typed as people type: "8.12." and "14 Uhr"; the page opens at the results,
        # ranked by fit with the reason (the taken Küche is not among them)
        page.get_by_label("Datum", exact=True).first.fill(f"{day.day}.{day.month}.")
        page.get_by_label("Von", exact=True).fill("14 Uhr")
        page.get_by_label("Bis", exact=True).fill("16")
        page.get_by_label("Mindestens so viele Personen").fill("10")
        page.get_by_role("button", name="Freie Räume suchen").click()
        otto.checked()
        assert page.url.endswith("#treffer")
        results = page.locator("ol.results > li")
        expect(results.first).to_be_in_viewport()
        names = [r.locator("h3").inner_text() for r in results.all()]
        assert names == ["Clubraum", "Großer Saal"], names  # 35 seats before 80 for 10 people
        assert "Sitzplätze" in results.nth(1).inner_text()

        # the Küche is taken then: refused, with free times of the Küche and rooms like it
        otto.goto(f"/rooms/{rooms['kueche']}?date={day.isoformat()}&start=14:00&end=16:00")
        page.get_by_label("Titel", exact=True).fill("Kochen mit Kindern")
        page.get_by_role("button", name="Verbindlich buchen").click()
        otto.checked()
        alert = page.locator(".errorbox")
        expect(alert).to_contain_text("schon belegt")
        expect(alert).to_be_in_viewport()
        instead = page.locator("section.instead")
        expect(instead).to_be_visible()
        other_time = instead.locator("ul[aria-labelledby=andere-zeiten] a").first
        other_room = instead.locator("ul[aria-labelledby=andere-raeume] a").first
        expect(other_room).to_be_visible()
        offered = parse_qs(urlsplit(other_time.get_attribute("href")).query)
        assert (offered["date"][0], offered["start"][0]) != (day.isoformat(), "14:00")
        other_time.click()
        otto.checked()
        # the form is filled in with the time offered
        assert page.get_by_label("Beginn", exact=True).input_value() == offered["start"][0]
        shown = date.fromisoformat(offered["date"][0]).strftime("%d.%m.%Y")
        assert shown in page.get_by_label("Datum", exact=True).input_value()
        assert page.get_by_label("Titel", exact=True).input_value() == "Kochen mit Kindern"

        # a weekly series in the Großer Saal, which needs the owner's approval
        otto.goto(f"/rooms/{approval_room}")
        page.get_by_label("Datum", exact=True).fill(f"{day.day:02d}.{day.month:02d}.{day.year % 100:02d}")
        page.get_by_label("Beginn", exact=True).fill("18")
        page.get_by_label("Ende", exact=True).fill("20.00")
        page.get_by_label("Titel", exact=True).fill("Tanzkurs")
        page.get_by_label("Worum geht es? (freiwillig)").fill(ABOUT)
        page.get_by_role("radio", name="wöchentlich").check()
        page.get_by_label("oder Anzahl der Termine").fill("4")
        page.get_by_role("button", name="Vorschau: alle Termine prüfen").click()
        otto.checked()
        expect(page.locator("#antwort")).to_be_in_viewport()
        page.get_by_role("button", name="Anfrage senden").click()
        otto.checked()
        expect(page.get_by_role("status").or_(page.locator(".flash")).first).to_contain_text("Freigabe")
        booking_path = page.url.removeprefix(live.url)

        # the owner's request: who asks, what for, no invitation a calendar program would file
        request = _mail(smtp_sink, "lena@example.org", "Anfrage zur Freigabe")
        said = _text(request)
        for fact in ("Otto", "AWO Begegnungsstätte Nord", "otto@example.org", "9876543", ABOUT, "18:00"):
            assert fact in said, (fact, said)
        assert _invitation(request) == []
        # nor has the booker anything a calendar program would file before the owner decides
        assert not [m for m in smtp_sink.messages if "otto@example.org" in m["To"] and _invitation(m)]

        # the owner approves three dates and declines the second, with a word on it
        owner = Person(browser, live.url, "lena", width, height)
        owner.goto("/rooms/requests")
        second = owner.page.locator("fieldset").nth(1)
        second.get_by_role("radio", name="ablehnen").check()
        second.get_by_label("Kommentar zu diesem Termin (freiwillig)").fill(NO_LONGER)
        owner.page.get_by_role("button", name="Entscheidung senden").click()
        owner.checked()

        partly = _mail(smtp_sink, "otto@example.org", "teilweise freigegeben")
        said = _text(partly)
        assert NO_LONGER in said and "Abgelehnt" in said and "Freigegeben" in said, said
        [calendar] = {c.to_ical(): c for c in _invitation(partly)}.values()
        event = calendar.walk("VEVENT")[0]
        assert str(event["DESCRIPTION"]).startswith(ABOUT)
        assert "Hallo" not in str(event["DESCRIPTION"]) and "einstellungen" not in str(event["DESCRIPTION"]).lower()

        # a change of an approved date goes back to the owner, and says old -> new
        otto.goto(booking_path)
        page.get_by_role("link", name="Zeit ändern …").first.click()
        otto.checked()
        page.get_by_label("Neuer Beginn").fill("19 Uhr")
        page.get_by_label("Neues Ende").fill("21 Uhr")
        page.get_by_role("button", name="Zeit ändern").click()
        otto.checked()
        expect(page.locator("main")).to_contain_text("wartet auf Freigabe")
        again = _text(_mail(smtp_sink, "lena@example.org", "Anfrage zur Freigabe", nth=2))
        asked = again.split("Angefragter Termin:")[1].split("\n\n")[0]  # only the moved date
        assert asked.count("\n  - ") == 1 and "18:00–20:00 → " in asked and "19:00–21:00" in asked, again
        changed = _mail(smtp_sink, "otto@example.org", "geändert")
        assert "18:00–20:00" in _text(changed) and "→" in _text(changed) and "19:00–21:00" in _text(changed)

        # a cancellation with its reason reaches both sides
        page.get_by_role("link", name="Absagen …").last.click()
        otto.checked()
        page.get_by_label("Grund (freiwillig)", exact=False).fill(REASON)
        page.get_by_role("button", name="Ja, absagen").click()
        otto.checked()
        for person in ("otto@example.org", "lena@example.org"):
            told = wait_until(
                lambda p=person: [m for m in smtp_sink.messages if p in m["To"] and REASON in _text(m)],
                what=f"the reason in an email to {person}",
            )
            assert f"Grund: {REASON}" in _text(told[0])
            news = _text(told[0]).split("Was sich ändert:")[1].split("\n\n")[0]
            assert news.count("\n  - ") == 1 and "fällt aus" in news, news  # not the earlier decline

        # the owner's room page shows who booked, with contact, not "belegt"
        owner.goto(f"/rooms/{approval_room}")
        upcoming = owner.page.locator("table.upcoming").inner_text()
        assert "Tanzkurs" in upcoming and "otto@example.org" in upcoming

        for person in (otto, owner):
            person.context.close()
