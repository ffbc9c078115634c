"""A logged-in browser session for the fuzz suite: the session cookie, a CSRF token that belongs
to it, and the forms on a page (so that junk can be posted into every field of every form)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from lxml import html

from tests.fuzz.harness import Sent, raw_request

COOKIE = "treffpunkt_session"


@dataclass(frozen=True)
class Form:
    action: str
    method: str
    fields: dict  # name -> the value the page shows (select: the first option)
    text: frozenset  # the fields a person types into (text, search, textarea): what gets stored as typed


class Session:
    def __init__(self, port: int):
        self.port, self.cookie = port, ""

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Cookie": f"{COOKIE}={self.cookie}"} if self.cookie else {}
        body = b""
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        answer = raw_request(self.port, Sent(method, path, headers, body), timeout=30)
        jar = SimpleCookie(answer.headers.get("Set-Cookie", ""))
        if COOKIE in jar:
            self.cookie = jar[COOKIE].value
        return answer

    def login(self, username: str, password: str) -> Session:
        page = self.request("GET", "/rooms/login").text
        answer = self.request(
            "POST", "/rooms/login", {"csrf_token": token_in(page), "username": username, "password": password}
        )
        assert answer.status == 302, answer.text[:500]
        return self

    def csrf(self) -> str:
        """A token for this session (the login form carries one on every service)."""
        return token_in(self.request("GET", "/notify/login").text)

    def headers(self) -> dict:
        return {"Cookie": f"{COOKIE}={self.cookie}"}


def token_in(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def forms_on(page: str, path: str) -> list[Form]:
    """Every form of a page with its fields, as a browser would submit it unchanged."""
    found = []
    for form in html.fromstring(page).forms:
        fields, text = {}, set()
        for element in form.inputs:
            name = element.get("name")
            if not name or element.get("type") in ("submit", "button"):
                continue
            if element.tag == "select":
                options = element.value_options
                fields[name] = element.value or (options[0] if options else "")
            elif element.get("type") in ("checkbox", "radio"):
                fields[name] = element.get("value", "on")
            else:
                fields[name] = element.value or ""
                if element.tag == "textarea" or element.get("type", "text") in ("text", "search"):
                    text.add(name)
        found.append(Form(form.get("action") or path, (form.get("method") or "get").upper(), fields, frozenset(text)))
    return found
