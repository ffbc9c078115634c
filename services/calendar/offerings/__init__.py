"""Entering offerings in the browser: the use cases behind the offering form (editing.py), over
the CalendarStore protocol, so that what the form writes is the event CalDAV clients see (one
store, one UID, ETags and sync tokens move) and an edit keeps what the form does not know."""
