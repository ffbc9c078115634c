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
