"""Filters as links: every choice on the public pages is an address (bookmarkable, shareable,
no JavaScript). A link toggles one value and keeps the rest of the choice and the span."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app

from services.calendar.domain.public_filter import FILTER_KEYS


def public_url(path: str) -> str:
    """`path` at the address people reach the site at (PUBLIC_URL)."""
    return current_app.config["SETTINGS"].public_url.rstrip("/") + path


def subscription(path: str) -> dict[str, str]:
    """A feed's addresses: https (download) and webcal (subscribe in a calendar program)."""
    https = public_url(path)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[-1]}


class Choice:
    """The filter values of the current address, in FILTER_KEYS order."""

    def __init__(self, args: dict[str, list[str]]):
        self.args = {key: list(args[key]) for key in FILTER_KEYS if args.get(key)}

    def has(self, key: str, value: str) -> bool:
        return value.casefold() in (v.casefold() for v in self.args.get(key, []))

    def toggled(self, key: str, value: str) -> dict[str, list[str]]:
        args = {k: list(v) for k, v in self.args.items()}
        values = [v for v in args.get(key, []) if v.casefold() != value.casefold()]
        if not self.has(key, value):
            values.append(value)
        args[key] = values
        return {k: v for k, v in args.items() if v}

    def query(self, args: dict[str, list[str]] | None = None) -> str:
        """`?…` of the choice (or of `args`), "" when empty."""
        chosen = self.args if args is None else args
        text = urlencode([(k, v) for k in FILTER_KEYS for v in chosen.get(k, [])])
        return "?" + text if text else ""

    def toggle(self, key: str, value: str) -> str:
        return self.query(self.toggled(key, value))

    def active(self) -> list[tuple[str, str]]:
        """(key, value) of every chosen value except the search."""
        return [(k, v) for k in FILTER_KEYS if k != "q" for v in self.args.get(k, [])]

    @property
    def search(self) -> str:
        return " ".join(self.args.get("q", []))

    def __bool__(self) -> bool:
        return bool(self.args)
