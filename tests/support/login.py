"""Logging in as the suite's people (the `people` fixture gives every account PASSWORD)."""

from __future__ import annotations

import re

PASSWORD = "richtig-geheim-1"


def login(client, username, password=PASSWORD, service="rooms"):
    """Log in through the real form (fetch it for the CSRF token, then post)."""
    page = client.get(f"/{service}/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post(f"/{service}/login", data={"csrf_token": token, "username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def log_in_browser(page, base: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the login page in a Playwright page and wait until it is done."""
    from playwright.sync_api import expect

    page.goto(f"{base}/rooms/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header.site summary")).to_have_text(username.title())


def csrf_of(html: str) -> str:
    """The CSRF token a page's form carries."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def http_login(base: str, username: str, password: str = PASSWORD):
    """A requests session logged in through the real form of a running server at `base`."""
    import requests

    browser = requests.Session()
    page = browser.get(f"{base}/rooms/login", timeout=10)
    answer = browser.post(
        f"{base}/rooms/login",
        data={"csrf_token": csrf_of(page.text), "username": username, "password": password},
        timeout=10,
    )
    assert answer.url == f"{base}/rooms/", answer.text
    return browser


def book_on_web(browser, base: str, room_id: int, day, start: str, end: str, title: str):
    """A one-off booking through the room's web form, as a person makes it; the form's answer."""
    page = browser.get(f"{base}/rooms/{room_id}", timeout=10)
    assert page.status_code == 200
    return browser.post(
        f"{base}/rooms/{room_id}",
        data={"csrf_token": csrf_of(page.text), "date": day.isoformat(), "start": start, "end": end, "title": title},
        timeout=10,
    )
