"""The second factor in Chromium, as a person meets it: Lena sets up her authenticator app from
the page (the test reads the secret the page shows and makes the codes with pyotp, as the app
would), keeps her recovery codes, logs out and in with password and code, then with a recovery
code (used up afterwards); wrong codes get her throttled. The office, where the operator
requires it, is led to set it up at login. Every new page passes axe-core and fits 390 px."""

from __future__ import annotations

import re
import time
from dataclasses import replace

import pyotp
from playwright.sync_api import expect

from tests.support.axe import assert_fits_and_accessible
from tests.support.live import LiveServer
from tests.support.login import PASSWORD

PHONE = {"width": 390, "height": 844}


def _log_in(page, base: str, username: str, path: str = "/account/login") -> None:
    page.goto(base + path)
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def _log_out(page) -> None:
    page.locator("header.site summary").click()
    page.get_by_role("button", name="Abmelden").first.click()
    expect(page.get_by_role("status")).to_contain_text("abgemeldet")


def _enter_code(page, code: str) -> None:
    page.get_by_label("Code aus der App oder Wiederherstellungscode").fill(code)
    page.get_by_role("button", name="Anmelden").click()


def _set_up(page) -> tuple[str, list[str]]:
    """On the setup page: the secret as the page shows it, switched on with the app's code."""
    expect(page.get_by_role("img", name=re.compile("QR-Code"))).to_be_visible()
    assert_fits_and_accessible(page)
    secret = page.locator("#secret").inner_text().replace(" ", "")
    page.get_by_label("Code aus der App (6 Ziffern)").fill("000000")
    page.get_by_role("button", name="Einschalten").click()
    expect(page.locator("#code-error")).to_contain_text("stimmt nicht")
    expect(page.get_by_label("Code aus der App (6 Ziffern)")).to_be_focused()  # opens at its error
    assert_fits_and_accessible(page)
    page.get_by_label("Code aus der App (6 Ziffern)").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Einschalten").click()
    expect(page.get_by_role("heading", name="Ihre Wiederherstellungscodes")).to_be_visible()
    assert_fits_and_accessible(page)
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    return secret, codes


def test_lena_sets_up_her_app_and_logs_in_with_a_code_and_a_recovery_code(browser, frontdoor, people):
    with LiveServer(frontdoor) as live:
        base = live.url
        page = browser.new_page(locale="de-DE", viewport=PHONE)
        _log_in(page, base, "lena")
        page.goto(base + "/account/")
        page.get_by_role("link", name="Zwei-Faktor-Anmeldung einrichten oder ändern").click()
        expect(page.get_by_text("Ausgeschaltet.")).to_be_visible()
        expect(page.get_by_text("App-Passwort", exact=False).first).to_be_visible()
        assert_fits_and_accessible(page)
        page.get_by_role("link", name="Zwei-Faktor-Anmeldung einrichten").click()
        secret, codes = _set_up(page)
        page.get_by_role("link", name=re.compile("Codes aufbewahrt")).click()
        expect(page.get_by_text("Eingeschaltet seit")).to_be_visible()
        assert_fits_and_accessible(page)

        _log_out(page)
        _log_in(page, base, "lena", "/rooms/login?next=/rooms/bookings")
        expect(page.get_by_role("heading", name="Anmelden: Code eingeben")).to_be_visible()
        assert_fits_and_accessible(page)
        _enter_code(page, "123456")
        expect(page.get_by_role("alert")).to_contain_text("stimmt nicht")
        assert_fits_and_accessible(page)
        _enter_code(page, pyotp.TOTP(secret).at(time.time() + 30))  # newer than the setup's code
        expect(page).to_have_url(re.compile(r"/rooms/bookings$"))
        expect(page.locator("header.site summary")).to_have_text("Lena")

        _log_out(page)
        _log_in(page, base, "lena")
        _enter_code(page, codes[0])
        expect(page.get_by_role("status")).to_contain_text("noch 9 Codes übrig")
        _log_out(page)
        _log_in(page, base, "lena")
        _enter_code(page, codes[0])  # used up
        expect(page.get_by_role("alert")).to_contain_text("schon benutzt")
        for n in range(4):  # five wrong codes in all, then the throttle
            _enter_code(page, f"99999{n}")
        _enter_code(page, codes[1])
        expect(page.get_by_role("alert")).to_contain_text("Zu viele fehlgeschlagene Anmeldungen")
        assert_fits_and_accessible(page)
        page.close()


def test_the_office_is_led_to_set_up_the_app_when_the_operator_requires_it(
    browser, frontdoor, apps, people, monkeypatch
):
    for app in apps.values():
        monkeypatch.setitem(app.config, "SETTINGS", replace(app.config["SETTINGS"], require_totp_for_coordination=True))
    with LiveServer(frontdoor) as live:
        page = browser.new_page(locale="en-GB", viewport=PHONE)
        page.goto(live.url + "/account/language/en")  # the English pages too
        _log_in_en(page, live.url)
        expect(page.get_by_role("heading", name="Set up two-factor login")).to_be_visible()
        expect(page.get_by_text("required for accounts of the coordination office")).to_be_visible()
        assert_fits_and_accessible(page)
        secret = page.locator("#secret").inner_text().replace(" ", "")
        page.get_by_label("Code from the app (6 digits)").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Switch on").click()
        expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
        assert_fits_and_accessible(page)
        page.get_by_role("link", name=re.compile("put the codes away")).click()
        expect(page.locator("header.site summary")).to_have_text("Kora")
        page.close()


def _log_in_en(page, base: str) -> None:
    page.goto(base + "/account/login")
    page.get_by_label("User name").fill("kora")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
