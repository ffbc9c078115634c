"""What an activity sent to one of our inboxes asks for, read from its JSON: a Follow of one of
our actors, its Undo, or the sender deleting itself. Anything else is None (ignored). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.calendar.domain.activitystreams import Urls

MAX_ID = 500  # the columns' width: longer ids are not real actors


class Malformed(ValueError):
    """Not an activity: says what is missing (for the 400 answer)."""


@dataclass(frozen=True)
class Follow:
    target: str  # our actor's name
    follower: str
    follow_id: str


@dataclass(frozen=True)
class Unfollow:
    target: str | None  # None: known only by the Follow's id
    follower: str
    follow_id: str


@dataclass(frozen=True)
class ActorGone:
    actor: str


@dataclass(frozen=True)
class FollowAnswered:
    """A followed actor accepted (or rejected) our Follow."""

    actor: str
    follow_id: str
    followed: str  # the Follow's object, when the answer embeds it
    accepted: bool


@dataclass(frozen=True)
class EventShared:
    """An Event created, updated or announced: embedded (a dict) or only its id."""

    actor: str
    event: dict[str, Any] | str


@dataclass(frozen=True)
class EventRemoved:
    actor: str
    object_id: str


Command = Follow | Unfollow | ActorGone | FollowAnswered | EventShared | EventRemoved


def ident(value: Any) -> str:
    """The id of a reference: a string or an object with an "id"; "" when neither."""
    if isinstance(value, dict):
        value = value.get("id")
    if not isinstance(value, str) or len(value) > MAX_ID or any(ord(c) < 0x20 or c == "\x7f" for c in value):
        return ""  # too long for the columns, or with control characters no address has
    return value


def sender(activity: Any) -> str:
    """The activity's actor id, or Malformed."""
    if not isinstance(activity, dict):
        raise Malformed("Eine Aktivität muss ein JSON-Objekt sein.")
    if not isinstance(activity.get("type"), str):
        raise Malformed("Der Aktivität fehlt ihr Typ (type).")
    actor = ident(activity.get("actor"))
    if not actor.startswith(("https://", "http://")):
        raise Malformed("Der Aktivität fehlt ihr Akteur (actor) als Adresse.")
    return actor


def our_name(urls: Urls, address: str) -> str | None:
    prefix = urls.actor("")
    if not address.startswith(prefix):
        return None
    name = address[len(prefix) :]
    return name if name and "/" not in name and "#" not in name else None


def interpret(activity: dict[str, Any], urls: Urls) -> Command | None:
    actor = sender(activity)
    kind = activity["type"]
    if kind == "Follow":
        target = our_name(urls, ident(activity.get("object")))
        return Follow(target, actor, ident(activity.get("id"))) if target else None
    if kind == "Undo":
        inner = activity.get("object")
        if isinstance(inner, dict) and inner.get("type") not in (None, "Follow"):
            return None
        if isinstance(inner, dict) and ident(inner.get("actor")) not in ("", actor):
            return None  # one cannot undo another's follow
        target = our_name(urls, ident(inner.get("object"))) if isinstance(inner, dict) else None
        follow_id = ident(inner)
        return Unfollow(target, actor, follow_id) if target or follow_id else None
    if kind == "Delete" and ident(activity.get("object")) == actor:
        return ActorGone(actor)
    inner = activity.get("object")
    if kind in ("Accept", "Reject"):
        followed = ident(inner.get("object")) if isinstance(inner, dict) else ""
        return FollowAnswered(actor, ident(inner), followed, kind == "Accept")
    if kind in ("Create", "Update") and isinstance(inner, dict) and inner.get("type") == "Event" and ident(inner):
        return EventShared(actor, inner)
    if kind == "Announce" and ident(inner):
        return EventShared(actor, inner if isinstance(inner, dict) and inner.get("type") == "Event" else ident(inner))
    if kind == "Delete" and ident(inner):
        return EventRemoved(actor, ident(inner))
    return None


def same_origin(one: str, other: str) -> bool:
    """Both addresses on the same server (scheme, host and port): who may speak for an object."""
    return _origin(one) == _origin(other) != ""


def _origin(address: str) -> str:
    scheme, _, rest = address.partition("://")
    return f"{scheme.lower()}://{rest.split('/', 1)[0].lower()}" if rest else ""


def inbox_of(document: dict[str, Any]) -> tuple[str, str]:
    """(inbox, shared inbox or "") of a remote actor's document; Malformed without an inbox."""
    inbox = ident(document.get("inbox"))
    if not inbox.startswith(("https://", "http://")):
        raise Malformed("Der Akteur nennt keinen Posteingang (inbox).")
    endpoints = document.get("endpoints")
    shared = ident(endpoints.get("sharedInbox")) if isinstance(endpoints, dict) else ""
    return inbox, shared if shared.startswith(("https://", "http://")) else ""


def public_key_of(document: dict[str, Any], key_id: str) -> tuple[str, str] | None:
    """(owner, PEM) of the key `key_id` in an actor (or key) document."""
    keys = document.get("publicKey")
    if isinstance(document.get("publicKeyPem"), str):  # the key's own document
        keys = document
    for key in keys if isinstance(keys, list) else [keys]:
        if isinstance(key, dict) and key.get("id") == key_id and isinstance(key.get("publicKeyPem"), str):
            owner = ident(key.get("owner")) or ident(document.get("id"))
            return owner, key["publicKeyPem"]
    return None
