"""The one CSRF protection of every app: pages' forms carry its token; views that take no
session (CalDAV, the JSON API) are exempted with `csrf.exempt`."""

from __future__ import annotations

from flask_wtf import CSRFProtect

csrf = CSRFProtect()
