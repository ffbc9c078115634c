"""The calendar on partners' websites: the iframe page any site may frame (while every other
page still refuses), the JSON the web component reads from any origin (CORS, ETag, 304), the
bounds of `limit`, the help page's code, and the web component itself in Chromium on a page of
another origin. The new pages (programme, iframe, help) fit a phone and pass axe-core."""

from __future__ import annotations

import html
import re

import pytest
from playwright.sync_api import expect
from werkzeug.test import Client

from tests.calendar.test_programme import MONTHS, cancel_next_monday, next_week
from tests.calendar.test_public_pages import network, offering  # noqa: F401  (the fixture)
from tests.support.axe import assert_accessible, assert_no_sideways_scroll, collect_problems
from tests.support.live import LiveServer

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
ITEM_KEYS = {"title", "start", "end", "all_day", "cancelled", "place", "district", "url", "facts"}


def titles(text: str) -> list[str]:
    return re.findall(r'<a href="/calendar/offering/\d+" target="_top">([^<]+)</a>', text)


# --- the iframe page and the headers ---------------------------------------------------------
def test_the_iframe_page_may_be_framed_by_any_site(frontdoor, network):
    answer = Client(frontdoor).get("/calendar/embed?district=Lobeda&limit=5")
    assert answer.status_code == 200
    assert "X-Frame-Options" not in answer.headers
    policy = answer.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "'none'" not in policy.split("frame-ancestors")[1]
    assert "default-src 'self'" in policy and answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in answer.headers  # nothing of the visitor is kept
    text = answer.get_data(as_text=True)
    assert titles(text) == ["Eltern-Kind-Turnen", "Seniorencafé"] * 2 + ["Eltern-Kind-Turnen"]
    assert '<a href="/calendar/?district=Lobeda" target="_top">Alle Termine</a>' in text
    assert "<h1>Nächste Termine: Lobeda</h1>" in text
    assert "Mehrgenerationenhaus Lobeda · Lobeda" in text


def test_every_other_page_still_refuses_to_be_framed(frontdoor, network):
    client = Client(frontdoor)
    _monday, key = next_week()
    for path in (
        "/calendar/",
        "/calendar/embed/help",
        "/calendar/embed.json",
        f"/calendar/programme?district=Lobeda&week={key}",
        "/calendar/programme/choose",
        "/rooms/login",
    ):
        headers = client.get(path).headers
        assert headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path


def test_a_refused_iframe_says_why_inside_the_frame(frontdoor, network):
    answer = Client(frontdoor).get("/calendar/embed?district=Mars")
    assert answer.status_code == 400 and "X-Frame-Options" not in answer.headers
    assert "frame-ancestors *" in answer.headers["Content-Security-Policy"]
    assert "Unbekannter Stadtteil &#39;Mars&#39;" in answer.get_data(as_text=True)


def test_cancelled_dates_show_in_the_iframe(calendar_app, network, store):
    cancel_next_monday(store, network)
    text = calendar_app.test_client().get("/calendar/embed?district=Lobeda&limit=2").get_data(as_text=True)
    assert text.count('<li class="cancelled">') == 1 and text.count("fällt aus") == 1


@pytest.mark.parametrize("path", ["/calendar/embed", "/calendar/embed.json", "/calendar/embed/help"])
@pytest.mark.parametrize("limit", ["0", "21", "1000", "-1", "fünf", "2.5", "²", "99999999999999999999"])
def test_limit_must_be_between_1_and_20(calendar_app, network, path, limit):
    answer = calendar_app.test_client().get(f"{path}?limit={limit}")
    assert answer.status_code == 400
    assert "Bitte für limit eine Zahl von 1 bis 20 angeben." in answer.get_data(as_text=True)


def test_limit_chooses_how_many_dates_and_defaults_to_five(calendar_app, network):
    client = calendar_app.test_client()
    assert len(client.get("/calendar/embed.json").json) == 5
    assert len(client.get("/calendar/embed.json?limit=1").json) == 1
    assert len(client.get("/calendar/embed.json?limit=20").json) == 20
    assert len(titles(client.get("/calendar/embed?limit=20").get_data(as_text=True))) == 20


# --- the JSON --------------------------------------------------------------------------------
def test_the_json_has_the_next_dates_with_absolute_links_for_any_origin(calendar_app, network, store):
    cancel_next_monday(store, network)
    monday, _key = next_week()
    answer = calendar_app.test_client().get(
        "/calendar/embed.json?district=Lobeda&limit=3", headers={"Origin": "https://mgh-lobeda.example"}
    )
    assert answer.status_code == 200 and answer.content_type == "application/json"
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert answer.headers["Cache-Control"] == "public, max-age=300"
    assert re.fullmatch(r'"[0-9a-f]{32}"', answer.headers["ETag"])
    items = answer.json
    assert [set(item) for item in items] == [ITEM_KEYS] * 3
    turnen, cafe, _later = items
    assert turnen["title"] == "Eltern-Kind-Turnen" and turnen["cancelled"] is True and turnen["facts"] == []
    assert cafe == {
        "title": "Seniorencafé",
        "start": f"{monday.isoformat()}T10:00+01:00",
        "end": f"{monday.isoformat()}T11:00+01:00",
        "all_day": False,
        "cancelled": False,
        "place": "Mehrgenerationenhaus Lobeda, Karl-Marx-Allee 28",
        "district": "Lobeda",
        "url": cafe["url"],
        "facts": ["kostenlos", "stufenlos erreichbar", "Hörschleife"],
    }
    assert re.fullmatch(r"http://127\.0\.0\.1:8080/calendar/offering/\d+", cafe["url"])


def test_an_unchanged_json_is_answered_304_and_a_change_shows(calendar_app, network, store):
    client = calendar_app.test_client()
    first = client.get("/calendar/embed.json?partner=awo-nord")
    tag = first.headers["ETag"]
    unchanged = client.get("/calendar/embed.json?partner=awo-nord", headers={"If-None-Match": tag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert unchanged.headers["Access-Control-Allow-Origin"] == "*" and unchanged.headers["ETag"] == tag
    with store() as s:
        s.put(network["nord"].id, "chor.ics", offering("chor", "Chor der Generationen", ("Kultur",), "Alle"))
    changed = client.get("/calendar/embed.json?partner=awo-nord", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert {item["title"] for item in changed.json} == {"Mittagstisch", "Chor der Generationen"}


def test_the_json_speaks_the_language_it_is_asked_for_not_the_browsers(calendar_app, network):
    client = calendar_app.test_client()
    german = client.get("/calendar/embed.json?district=Lobeda", headers={"Accept-Language": "en"}).json
    assert german[1]["facts"] == ["kostenlos", "stufenlos erreichbar", "Hörschleife"]
    english = client.get("/calendar/embed.json?district=Lobeda&lang=en").json
    assert english[1]["facts"] == ["free of charge", "step-free access", "hearing loop"]
    refused = client.get("/calendar/embed.json?lang=fr")
    assert refused.status_code == 400 and refused.headers["Access-Control-Allow-Origin"] == "*"
    assert "Unbekannte Sprache" in refused.json["error"]


def test_a_refused_json_says_why_in_json(calendar_app, network):
    refused = calendar_app.test_client().get("/calendar/embed.json?audience=Marsianer")
    assert refused.status_code == 400 and refused.content_type == "application/json"
    assert refused.json["error"].startswith("Unbekannte Zielgruppe 'Marsianer'.")
    assert refused.headers["Cache-Control"] == "no-store"


# --- the help page ---------------------------------------------------------------------------
def test_the_help_page_builds_both_snippets_for_the_chosen_filter(calendar_app, network):
    answer = calendar_app.test_client().get("/calendar/embed/help?district=Lobeda&access=stufenlos&limit=3")
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    assert '<form method="get" action="/calendar/embed/help#antwort"' in text
    assert '<section id="antwort"' in text
    iframe, component = (html.unescape(code) for code in re.findall(r"<code>(.*?)</code>", text, re.S))
    src = "http://127.0.0.1:8080/calendar/embed?district=Lobeda&amp;access=stufenlos&amp;limit=3"
    assert iframe.startswith(f'<iframe src="{src}" title="Nächste Termine: Lobeda"')
    assert component.splitlines() == [
        '<script src="http://127.0.0.1:8080/calendar/static/calendar/treffpunkt-kalender.js" defer></script>',
        '<treffpunkt-kalender district="Lobeda" access="stufenlos" limit="3"></treffpunkt-kalender>',
        f"<noscript>{iframe}</noscript>",
    ]
    assert 'src="/calendar/embed?district=Lobeda&amp;access=stufenlos&amp;limit=3"' in text  # the preview


def test_the_help_page_refuses_an_unknown_filter_with_its_form(calendar_app, network):
    answer = calendar_app.test_client().get("/calendar/embed/help?district=Mars")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "Unbekannter Stadtteil" in text
    assert 'id="antwort"' not in text and "<form" in text


def test_the_web_component_is_small_and_served_as_javascript(calendar_app):
    answer = calendar_app.test_client().get("/calendar/static/calendar/treffpunkt-kalender.js")
    assert answer.status_code == 200 and answer.content_type.startswith("text/javascript")
    assert len(answer.data) < 5 * 1024
    answer.close()


# --- in Chromium -----------------------------------------------------------------------------
PARTNER_PAGE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mehrgenerationenhaus Lobeda</title><link rel="icon" href="data:,">
<style>body {{ font-family: Georgia, serif; margin: 1rem; }}</style></head>
<body><main><h1>Unsere nächsten Termine</h1>
<treffpunkt-kalender district="Lobeda" limit="3"></treffpunkt-kalender>
</main><script src="{calendar}/calendar/static/calendar/treffpunkt-kalender.js" defer></script></body></html>"""


def test_the_web_component_shows_the_dates_on_a_page_of_another_origin(browser, frontdoor, network, store, httpserver):
    cancel_next_monday(store, network)
    monday, _key = next_week()
    with LiveServer(frontdoor) as live:
        httpserver.expect_request("/termine.html").respond_with_data(
            PARTNER_PAGE.format(calendar=live.url), content_type="text/html; charset=utf-8"
        )
        partner_url = httpserver.url_for("/termine.html")
        assert partner_url.split("/")[2] != live.url.split("/")[2]  # another origin
        context = browser.new_context(viewport=PHONE, locale="de-DE")
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(partner_url)

        dates = page.locator("treffpunkt-kalender li")  # Playwright's CSS reaches into the shadow root
        expect(dates).to_have_count(3)
        day = f"Montag, {monday.day}. {MONTHS[monday.month - 1]}"
        expect(dates.nth(0)).to_contain_text(f"{day}, 10:00–11:00 Uhr")
        expect(dates.nth(0)).to_contain_text("fällt aus")
        expect(dates.nth(1).locator("a")).to_have_text("Seniorencafé")
        expect(dates.nth(1)).to_contain_text("Mehrgenerationenhaus Lobeda, Karl-Marx-Allee 28 · Lobeda")
        expect(dates.nth(1)).to_contain_text("kostenlos · stufenlos erreichbar · Hörschleife")
        assert re.fullmatch(
            r"http://127\.0\.0\.1:8080/calendar/offering/\d+", dates.nth(1).locator("a").get_attribute("href")
        )
        everything = page.locator("treffpunkt-kalender .all a")
        expect(everything).to_have_attribute("href", f"{live.url}/calendar/?district=Lobeda")
        font = page.evaluate(
            "getComputedStyle(document.querySelector('treffpunkt-kalender').shadowRoot.querySelector('li')).fontFamily"
        )
        assert font.startswith("Georgia")  # the partner's font, not ours
        assert_no_sideways_scroll(page)
        assert_accessible(page)

        page.evaluate("document.querySelector('treffpunkt-kalender').setAttribute('limit', '1')")
        expect(dates).to_have_count(1)
        page.evaluate("document.querySelector('treffpunkt-kalender').setAttribute('lang', 'en')")
        expect(everything).to_have_text("All dates")
        expect(dates.nth(0)).to_contain_text("cancelled")
        context.close()
    assert problems == []


@pytest.mark.parametrize("window", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_new_pages_fit_and_pass_axe(browser, frontdoor, network, store, window):
    cancel_next_monday(store, network)
    _monday, key = next_week()
    problems: list[str] = []
    with LiveServer(frontdoor) as live:
        context = browser.new_context(viewport=window, locale="de-DE")
        page = context.new_page()
        for path in (
            f"/calendar/programme?district=Lobeda&week={key}",
            "/calendar/programme?partner=awo-nord",
            "/calendar/programme?district=Mars",
            "/calendar/programme/choose?district=Lobeda",
            "/calendar/embed?district=Lobeda&limit=5",
            "/calendar/embed?district=Mars",
            "/calendar/embed/help?district=Lobeda&access=stufenlos&limit=3",
            "/calendar/embed/help?limit=0",
        ):
            page.goto(live.url + path)
            collect_problems(page, problems)
        context.close()
    assert not problems, "\n\n".join(problems)


def test_the_printed_programme_has_no_site_header_and_keeps_each_date_whole(browser, frontdoor, network):
    _monday, key = next_week()
    with LiveServer(frontdoor) as live:
        page = browser.new_page(locale="de-DE")
        page.goto(f"{live.url}/calendar/programme?district=Lobeda&week={key}")
        expect(page.locator("header.site")).to_be_visible()
        page.emulate_media(media="print")
        for hidden in ("header.site", "nav.tools", "a.skip"):
            expect(page.locator(hidden)).to_be_hidden()
        expect(page.locator("footer.more")).to_be_visible()
        assert page.locator("li.date").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
        page.close()
