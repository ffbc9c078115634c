"""The store's refusals. Each stands for one protocol answer (the DAV layer maps them to a
status and a precondition name); the message is for a person (German)."""

from __future__ import annotations


class StoreError(Exception):
    """Base of the store's refusals."""


class PreconditionFailed(StoreError):
    """If-Match / If-None-Match did not hold (HTTP 412)."""


class UidConflict(StoreError):
    """Another resource in the calendar already holds the UID (CalDAV no-uid-conflict)."""

    def __init__(self, message: str, existing_name: str):
        super().__init__(message)
        self.existing_name = existing_name


class UnsupportedComponent(StoreError):
    """The resource holds a component the calendar does not accept (CalDAV supported-calendar-component)."""


class SlugTaken(StoreError):
    """A calendar with this URL segment exists already (MKCALENDAR on an existing resource)."""
