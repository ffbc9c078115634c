"""Celery entry point: `celery -A services.accounts.worker worker -Q accounts`."""

from services.accounts.app import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
