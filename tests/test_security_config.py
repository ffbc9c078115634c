"""Issue 9, finding 4: outside demo mode a service refuses to start with a secret anyone can
read in the repository (the built-in one, the placeholders of env.example, compose and README)
or one too short to resist guessing, and tells the operator how to make a good one."""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from pathlib import Path

import pytest

from shared.config import DEV_SECRET

from services import notify, rooms

ROOT = Path(__file__).resolve().parent.parent
HOW_TO = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
# Where people copy configuration from: every SECRET_KEY value written there is public.
SOURCES = ("deploy/env.example", "docker-compose.yml", "README.md", "deploy/Dockerfile", "Makefile")


def _written_secrets() -> set[str]:
    """Every literal SECRET_KEY value in the files people copy from (`SECRET_KEY=x`,
    `SECRET_KEY: x`, or the README's table of defaults `| `SECRET_KEY` | `x` |`)."""
    found = set()
    for name in SOURCES:
        path = ROOT / name
        if not path.exists():
            continue
        text = path.read_text()
        found |= set(re.findall(r"^#?\s*SECRET_KEY\s*[=:]\s*([^\s$#'\"]+)\s*$", text, re.M))
        found |= set(re.findall(r"\|\s*`SECRET_KEY`\s*\|\s*`([^`]+)`", text))
    return found


def test_the_repository_writes_down_placeholders_this_test_can_find():
    assert DEV_SECRET in _written_secrets()
    assert any("CHANGE-ME" in s for s in _written_secrets())


@pytest.mark.parametrize("placeholder", sorted(_written_secrets() | {DEV_SECRET}))
def test_production_refuses_every_secret_written_in_the_repository(settings, placeholder):
    with pytest.raises(RuntimeError) as refused:
        notify.create_app({"SETTINGS": replace(settings, secret_key=placeholder, demo=False)})
    assert "SECRET_KEY" in str(refused.value) and HOW_TO in str(refused.value)


@pytest.mark.parametrize("secret", ["x" * 31, "kurz", "ä" * 15, " " * 40, "change-me-" + "a" * 40])
def test_production_refuses_short_or_placeholder_like_secrets(settings, secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY") as refused:
        rooms.create_app({"SETTINGS": replace(settings, secret_key=secret, demo=False)})
    assert HOW_TO in str(refused.value)


def test_production_accepts_a_random_secret_made_as_the_message_says(settings):
    app = rooms.create_app({"SETTINGS": replace(settings, secret_key=secrets.token_urlsafe(48), demo=False)})
    assert app.test_client().get("/rooms/login").status_code == 200


def test_demo_mode_may_use_the_built_in_secret(settings):
    app = rooms.create_app({"SETTINGS": replace(settings, secret_key=DEV_SECRET, demo=True)})
    assert app.test_client().get("/rooms/login").status_code == 200


def test_the_suite_itself_runs_with_a_secret_production_would_accept(settings):
    assert len(settings.secret_key.encode()) >= 32 and not settings.demo
