"""A login's browser in words a person recognises ("Firefox auf Windows"), from the User-Agent
it sent. Rough on purpose: enough to tell one's own devices apart, no device database."""

from __future__ import annotations

# first match wins: Edge and Opera also say "Chrome", Chrome also says "Safari"
BROWSERS = (
    ("Edg", "Edge"),
    ("OPR", "Opera"),
    ("Firefox", "Firefox"),
    ("Chromium", "Chromium"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
)
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def _first(user_agent: str, table: tuple[tuple[str, str], ...]) -> str:
    return next((name for token, name in table if token in user_agent), "")


def describe(user_agent: str) -> tuple[str, str]:
    """(browser, system); "" for what cannot be told."""
    return _first(user_agent, BROWSERS), _first(user_agent, SYSTEMS)
