"""Impressum and Datenschutzerklärung, the same two pages under every service's prefix.

The operator's details come from the settings (OPERATOR_*, PRIVACY_*); every period the privacy
statement names is read from where the code keeps it, so the page says what this software does."""

from __future__ import annotations

from flask import current_app, render_template

from shared import outbox
from shared.config import Settings
from shared.identity import throttle
from shared.web.language import LANGUAGE_COOKIE, LANGUAGE_COOKIE_SECONDS


def _settings() -> Settings:
    settings: Settings = current_app.config["SETTINGS"]
    return settings


def imprint() -> str:
    return render_template("legal/imprint.html", operator=_settings())


def privacy() -> str:
    settings = _settings()
    periods = {
        "session_idle_minutes": settings.session_idle_minutes,
        "session_max_hours": settings.session_max_hours,
        "delivery_log_days": settings.delivery_log_days,
        "engagement_confirm_days": settings.engagement_confirm_days,
        "engagement_keep_months": settings.engagement_keep_months,
        "engagement_keep_closed_months": settings.engagement_keep_closed_months,
        "server_log_days": settings.server_log_days,
        "login_window_minutes": throttle.WINDOW_MINUTES,
        "language_cookie_days": LANGUAGE_COOKIE_SECONDS // 86400,
        "outbox_days": outbox.OUTBOX_KEPT.days,
        "inbox_days": outbox.INBOX_KEPT.days,
    }
    cookies = {"session": current_app.config["SESSION_COOKIE_NAME"], "language": LANGUAGE_COOKIE}
    return render_template("legal/privacy.html", operator=settings, periods=periods, cookies=cookies)
