"""Stored preferences per account, and the signed link in every email that opens them
without a password (itsdangerous with SECRET_KEY; scoped to one account; it expires)."""

from __future__ import annotations

import json

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from services.notify.domain.preferences import DEFAULT_LEAD, Preferences, parse_choices
from services.notify.models import Preference

SALT = "treffpunkt.notify.preferences"


def load(session, account_id: int) -> Preferences:
    row = session.get(Preference, account_id)
    if row is None:
        return Preferences(lead_minutes=DEFAULT_LEAD)
    try:
        choices = parse_choices(json.loads(row.choices or "{}"))
    except (ValueError, AttributeError):
        choices = {}
    return Preferences(choices=choices, lead_minutes=row.lead_minutes, language=row.language, stored=True)


def load_many(session, account_ids) -> dict[int, Preferences]:
    return {account_id: load(session, account_id) for account_id in set(account_ids)}


def save(session, account_id: int, prefs: Preferences) -> None:
    """Upsert in the caller's transaction."""
    row = session.get(Preference, account_id) or Preference(account_id=account_id)
    row.choices = json.dumps(parse_choices(prefs.choices), sort_keys=True)
    row.lead_minutes, row.language = prefs.lead_minutes, prefs.language
    session.add(row)


class LinkInvalid(ValueError):
    pass


class LinkExpired(LinkInvalid):
    pass


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def token_for(secret_key: str, account_id: int) -> str:
    return _serializer(secret_key).dumps({"account": int(account_id)})


def account_of(secret_key: str, token: str, max_age_seconds: int) -> int:
    """The account a link was made for; LinkExpired / LinkInvalid otherwise."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise LinkExpired(token) from None
    except BadSignature:
        raise LinkInvalid(token) from None
    if not isinstance(data, dict) or not isinstance(data.get("account"), int):
        raise LinkInvalid(token)
    return data["account"]


def url_maker(settings):
    """account_id -> the absolute settings link that goes into emails."""
    base = settings.public_url.rstrip("/")
    return lambda account_id: f"{base}/notify/preferences/{token_for(settings.secret_key, account_id)}"
