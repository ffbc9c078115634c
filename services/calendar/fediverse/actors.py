"""Our actors: the network ("treffpunkt") and each partner, named by its slug. A row with its
key pair is made the first time an actor is asked for (a WebFinger lookup, an offering sent)."""

from __future__ import annotations

from functools import lru_cache

from flask import current_app
from sqlalchemy.orm import Session

from shared.auth import identity
from shared.identity.store import PartnerInfo

from services.calendar.domain import activitystreams as as2
from services.calendar.domain.http_signatures import new_key_pair
from services.calendar.fediverse import keys
from services.calendar.store.models import FediverseActor
from services.calendar.store.sql_fediverse import Fediverse

NETWORK_NAME = "Treffpunkt Generationen Jena"
NETWORK_SUMMARY = "Offene Angebote für alle Generationen in Jena: Begegnung, Sport, Kultur, Beratung."


def urls() -> as2.Urls:
    return as2.Urls(current_app.config["SETTINGS"].public_url.rstrip("/"))


def partners() -> dict[str, PartnerInfo]:
    """Active partners whose slug can be an actor name, by name."""
    return {
        p["slug"].lower(): p
        for p in identity().partners()
        if p["active"] and as2.valid_name(p["slug"].lower()) and p["slug"].lower() != as2.NETWORK
    }


def partner(partner_id: int) -> PartnerInfo | None:
    return next((p for p in partners().values() if p["id"] == partner_id), None)


def find(session: Session, name: str) -> FediverseActor | None:
    """The actor called `name`, made now if it is the network or a partner; None otherwise."""
    store = Fediverse(session)
    found = store.actor(name)
    if found is not None:
        return found
    if name == as2.NETWORK:
        return _make(store, name, None)
    known = partners().get(name)
    return _make(store, name, known["id"]) if known else None


def network(session: Session) -> FediverseActor:
    found = find(session, as2.NETWORK)
    assert found is not None
    return found


def of_partner(session: Session, partner_id: int | None) -> FediverseActor:
    """The partner's actor, or the network's for an offering no (active) partner owns."""
    store = Fediverse(session)
    if partner_id is not None:
        found = store.actor_of_partner(partner_id)
        if found is not None:
            return found
        known = partner(partner_id)
        if known is not None:
            return _make(store, known["slug"].lower(), partner_id)
    return network(session)


def info(actor: FediverseActor) -> as2.ActorInfo:
    page = current_app.config["SETTINGS"].public_url.rstrip("/") + "/calendar/"
    if actor.partner_id is None:
        return as2.ActorInfo(actor.name, NETWORK_NAME, NETWORK_SUMMARY, page, partner=False)
    known = partner(actor.partner_id)
    name = known["name"] if known else actor.name
    summary = f"Angebote von {name} im Treffpunkt Generationen Jena." + (
        f" {known['address']}" if known and known["address"] else ""
    )
    return as2.ActorInfo(
        actor.name, name, summary, page + f"?partner={known['slug'] if known else actor.name}", partner=True
    )


def private_key(actor: FediverseActor) -> str:
    settings = current_app.config["SETTINGS"]
    return _opened(actor.private_key_sealed, settings.fediverse_key, settings.secret_key)


@lru_cache(maxsize=64)
def _opened(sealed: str, fediverse_key: str, secret_key: str) -> str:
    """Opened once per process and key: every delivery signs, and opening costs a key derivation."""
    return keys.Sealer(fediverse_key, secret_key).open(sealed)


def _make(store: Fediverse, name: str, partner_id: int | None) -> FediverseActor:
    private, public = new_key_pair()
    sealed = keys.sealer(current_app.config["SETTINGS"]).seal(private)
    return store.add_actor(name, partner_id, public, sealed)
