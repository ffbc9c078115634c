"""Celery entry point: `celery -A services.notify.worker worker -Q notify`."""

from services.notify.app import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
