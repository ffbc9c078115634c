"""Subscriptions: partners' calendars kept elsewhere (an ICS/webcal feed, a CalDAV collection),
pulled into read-only calendars of their own. sources.py sets them up, pull.py brings their
changes in, fetch.py reads feeds safely; the rules are in domain/source_draft.py and
domain/feed_import.py, the rows in store/sql_sources.py."""
