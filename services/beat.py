"""The one scheduler (celery beat) for all services: `celery -A services.beat beat`.

It only sends tasks by name to each service's queue; it imports no service code."""

from __future__ import annotations

from celery import Celery

from shared import logs
from shared.config import Settings
from shared.messaging import celery_config

settings = Settings.from_env()
# each task it sends carries a fresh request id (shared.messaging), so one run's lines belong together
logs.configure(settings.log_format, "beat")
logs.print_as_log()
celery = Celery("treffpunkt-beat")
celery.config_from_object(celery_config(settings, "rooms"))
celery.conf.beat_schedule_filename = str(settings.var_dir / "celerybeat-schedule")
celery.conf.beat_schedule = {
    f"{service}-relay-outbox": {
        "task": f"{service}.relay_outbox",
        "schedule": settings.outbox_relay_seconds,
        "options": {"queue": service, "expires": max(settings.outbox_relay_seconds * 5, 10)},
    }
    for service in ("rooms", "calendar", "notify", "accounts", "engagement")
}
# confirmed outbox rows are kept a week (for looking into), inbox records a month, then deleted
celery.conf.beat_schedule.update(
    {
        f"{service}-purge-messages": {
            "task": f"{service}.purge_messages",
            "schedule": 3600.0,
            "options": {"queue": service, "expires": 600},
        }
        for service in ("rooms", "calendar", "notify", "accounts", "engagement")
    }
)


def _every(task: str, seconds: float, expires: int) -> None:
    """`task` on its service's queue every `seconds`; a copy not taken within `expires` seconds
    is dropped (the next one comes anyway)."""
    celery.conf.beat_schedule[task.replace(".", "-").replace("_", "-")] = {
        "task": task,
        "schedule": seconds,
        "options": {"queue": task.split(".", 1)[0], "expires": expires},
    }


# reminders come from a scan of due dates, never from far-future ETA tasks
_every("notify.scan_reminders", 60.0, expires=120)
# deliveries whose task got lost (a refused re-publish, a dead worker) are queued again
_every("notify.sweep_deliveries", 60.0, expires=120)
# personal data in the delivery log and reminder plans is erased after DELIVERY_LOG_RETENTION_DAYS
_every("notify.erase_old_content", 3600.0, expires=1800)
# the public pages' index keeps a year ahead of today; new objects are indexed when stored, this
# moves the window on and picks up what was stored before the index existed
_every("calendar.refresh_public", 3600.0, expires=1800)
# dates that have begun are kept for the figures (the public index forgets them after two months)
_every("calendar.record_dates", 3600.0, expires=1800)
# an open-ended offering's room is booked a year ahead; this asks for it again before that runs out
_every("calendar.renew_rooms", 3600.0, expires=1800)
# a room invited to an event is booked a year ahead; this moves the year on (scheduling/renewal.py)
_every("calendar.renew_invitations", 3600.0, expires=1800)
# partners' calendars kept elsewhere: each due source is pulled (subscriptions/pull.py)
_every("calendar.pull_sources", 60.0, expires=120)
# offerings changed since the last run go out to the fediverse (Create/Update/Delete), lost deliveries are queued again
_every("calendar.federate", 60.0, expires=120)
# the Engagementbörse: unconfirmed offers expire, reminders of shifts and first meetings go out
_every("engagement.tend", 60.0, expires=120)
# data exports (DSGVO): finished after their wait even when a part is missing, deleted after 7 days
_every("accounts.tend_exports", 60.0, expires=120)
