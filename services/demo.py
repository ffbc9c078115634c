"""Demo data for the Jena network: identity first, then each service loads its own part."""

from __future__ import annotations

from shared.config import Settings
from shared.db import make_engine, make_session_factory
from shared.identity import demo as identity_demo
from shared.identity.store import IdentityStore

from services import calendar, engagement, rooms
from services.calendar import demo as calendar_demo
from services.engagement import demo as engagement_demo
from services.rooms import demo as rooms_demo, demo_bookings


def load_demo(settings: Settings) -> list[str]:
    store = IdentityStore(make_session_factory(make_engine(settings.identity_database_url)))
    lines = identity_demo.load(store)
    rooms_app = rooms.create_app({"SETTINGS": settings})
    rooms_demo.load(rooms_app)
    demo_bookings.load(rooms_app)
    calendar_demo.load(calendar.create_app({"SETTINGS": settings}))
    engagement_demo.load(engagement.create_app({"SETTINGS": settings}))
    return lines + demo_bookings.HINTS
