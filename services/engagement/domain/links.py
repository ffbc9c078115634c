"""The signed links in a volunteer's emails: they stand in for an account they do not have.

- confirm: one offer of help (an application or a shift sign-up) or an interest form, for the
  double opt-in; it works until the offer expires, which the use case checks against the
  database.
- commitments: all of one volunteer's offers, to see, change and withdraw them and to ask for
  deletion. It carries the volunteer's link version: asking for a new link (or deletion) raises
  the version, and every older link stops working.

Signed with the app's SECRET_KEY (itsdangerous), salted per purpose, so a token of one kind is
never accepted as the other."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

CONFIRM_SALT = "engagement.confirm.v1"
COMMITMENTS_SALT = "engagement.commitments.v1"
OFFER_KINDS = ("application", "signup", "interest")
CONFIRM_PREFIX, COMMITMENTS_PREFIX = "/engagement/confirm/", "/engagement/mine/"


def confirm_token(secret: str, kind: str, offer_id: int) -> str:
    if kind not in OFFER_KINDS:
        raise ValueError(kind)
    return URLSafeSerializer(secret, salt=CONFIRM_SALT).dumps([kind, offer_id])


def read_confirm_token(secret: str, token: str) -> tuple[str, int] | None:
    """(kind, offer id), or None when the token was not made by us."""
    try:
        kind, offer_id = URLSafeSerializer(secret, salt=CONFIRM_SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if kind not in OFFER_KINDS or not isinstance(offer_id, int) or isinstance(offer_id, bool):
        return None
    return kind, offer_id


def commitments_token(secret: str, volunteer_id: int, version: int) -> str:
    return URLSafeSerializer(secret, salt=COMMITMENTS_SALT).dumps([volunteer_id, version])


def read_commitments_token(secret: str, token: str) -> tuple[int, int] | None:
    """(volunteer id, link version), or None when the token was not made by us."""
    try:
        volunteer_id, version = URLSafeSerializer(secret, salt=COMMITMENTS_SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (volunteer_id, version)):
        return None
    return volunteer_id, version
