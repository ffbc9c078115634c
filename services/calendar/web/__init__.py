"""The calendar's web layer: the public calendar (services/calendar/public/), the subscription
page (pages.py), app passwords (app_passwords.py), calendars kept elsewhere (sources.py), the
office's figures (figures.py), the public feeds (feeds.py) and CalDAV (services/calendar/dav/),
each a blueprint registered here. The one place that joins DAV to the SQL store: dav/ sees only the store interface."""

from __future__ import annotations

from shared.web import figures as shared_figures

from services.calendar.dav import views as dav_views
from services.calendar.fediverse import views as fediverse_views
from services.calendar.public import embed, page_cache, programme, snapshot, views as public_views
from services.calendar.scheduling.organizer import OrganizerScheduling
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_room_directory import RoomDirectory
from services.calendar.store.sql_schedule_inbox import ScheduleInbox
from services.calendar.web import app_passwords, feeds, figures, offerings, pages, region, sources


def init_app(app) -> None:
    snapshot.init_app(app)
    page_cache.init_app(app)
    app.register_blueprint(public_views.bp)
    app.register_blueprint(programme.bp)
    app.register_blueprint(embed.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(offerings.bp)
    sources.init_app(app)
    app.register_blueprint(app_passwords.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(figures.bp)
    app.register_blueprint(fediverse_views.bp)
    app.register_blueprint(region.bp)
    shared_figures.init_app(app)
    dav_views.init_app(app, SqlStore, RoomDirectory, ScheduleInbox, OrganizerScheduling)
